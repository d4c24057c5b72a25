"""Codeboek: browse and edit codes, see how well the suggestions match confirmed codes.

Edits become a new codebook version via ``codebook.edit_code`` (through the validator);
quality per code via ``coding.check_suggestions``; REFI-QDA via ``textanalysis.codebook.refi``.
"""

from __future__ import annotations

import streamlit as st

from app_pages import common as C
from textanalysis.codebook import edit_code, frame, parse_codebook, refi
from textanalysis.codebook.edit import code_id_from_label
from textanalysis.coding import check_suggestions, training_data
from textanalysis.errors import CodeInUseError, TextAnalysisError

MSG = "cb_msg"  # the outcome of a codeframe operation, shown after the rerun
OPERATION_NL = {
    "add-code": "Code toegevoegd",
    "rename": "Code hernoemd",
    "move": "Code verplaatst",
    "merge": "Codes samengevoegd",
    "split": "Code gesplitst",
    "delete": "Code verwijderd",
    "edit": "Code bewerkt",
    "upload": "Codeboek geüpload",
    "promote-topic": "Thema omgezet naar code",
    "topic-to-code": "Thema toegevoegd aan code",
}
IN_USE = (
    "Deze code wordt nog gebruikt en is niet verwijderd. Kies bij 'Antwoorden eerst overzetten "
    "naar' een andere code (dat is samenvoegen), of voeg de code samen met een andere"
)

st.title("Codeboek")
store, survey, wave, question = C.page_scope("cb")
if msg := st.session_state.pop(MSG, None):
    st.success(msg)
    st.toast(msg)  # also in view when the analyst works further down the page


def frame_op(what: str, run) -> None:
    """Run a codeframe operation (``codebook.frame``) as the coder: a new codebook version
    with the decisions carried along; the outcome is shown after a rerun, an error in Dutch."""
    who = C.require_coder()
    if not who:
        return
    try:
        change = run(who)
    except CodeInUseError as exc:
        C.toon_fout(exc, IN_USE)
        return
    except TextAnalysisError as exc:
        C.toon_fout(exc, what)
        return
    text = (
        f"{OPERATION_NL.get(change.operation, change.operation)}: codeboek versie "
        f"{change.codebook.version} ({change.version}) opgeslagen"
    )
    if change.units:
        text += f"; de codes van {len(change.units)} antwoord(en) zijn meegenomen"
    if change.flagged:
        text += (
            f"; {change.flagged} antwoord(en) staan klaar om toe te wijzen, elk door de codeur "
            "die het codeerde (die van u staan hieronder)"
        )
    st.session_state[MSG] = text + "."
    st.rerun()


def first_code_form(parents: list[str], labels: dict[str, str], key: str) -> None:
    """Label, optional definition and parent: a new code via ``frame.add_code``."""
    with st.form(key, clear_on_submit=True):
        label = st.text_input("Label", key=f"{key}_label")
        definition = st.text_area("Definitie (mag leeg)", key=f"{key}_definition")
        parent = st.selectbox(
            "Onder",
            [None, *parents],
            format_func=lambda c: "(bovenste niveau)" if c is None else labels[c],
            key=f"{key}_parent",
        )
        code_id = st.text_input("Code-id (mag leeg: wordt gemaakt van het label)", key=f"{key}_id")
        if st.form_submit_button("Code toevoegen", type="primary"):
            frame_op(
                "Code niet toegevoegd",
                lambda who: frame.add_code(
                    store,
                    survey,
                    question,
                    label,
                    coder=who,
                    code_id=code_id.strip() or None,
                    definition=definition.strip() or None,
                    parent=parent,
                ),  # fmt: skip
            )


with st.expander("Codeboek uploaden (YAML of REFI-QDA .qdc)"):
    up = st.file_uploader("Bestand", type=["yaml", "yml", "qdc"], key="cb_upload")
    if up is not None and st.button("Opslaan als nieuwe versie", key="cb_upload_save"):
        try:
            raw = up.getvalue()
            cb_new = (
                refi.from_qdc(raw, up.name)
                if up.name.endswith(".qdc")
                else parse_codebook(raw.decode("utf-8"), up.name)
            )
        except UnicodeDecodeError:
            st.error(f"'{C.md_escape(up.name)}' is geen UTF-8-tekst. Sla het bestand op als UTF-8.")
        except TextAnalysisError as exc:
            C.toon_fout(exc, "Dit codeboek is niet geldig")
        else:
            frame_op(
                "Niet opgeslagen",
                lambda who: frame.save_version(
                    store,
                    survey,
                    question,
                    cb_new,
                    coder=who,
                    operation="upload",
                    summary=f"upload '{up.name}' ({cb_new.name} v{cb_new.version})",
                ),  # fmt: skip
            )

codebook = frame.current_codebook(store, survey, question)
if codebook is None:
    st.info(
        f"Er is nog geen codeboek voor {question}. Maak hier de codes aan (geen YAML nodig), "
        "of upload een codeboek hierboven."
    )
    first_code_form([], {}, "cb_first")
    st.stop()
labels = codebook.labels()
versions = store.codebooks(question)
st.caption(
    f"**{codebook.name}**, versie {codebook.version} ({codebook.content_hash}); {len(versions)} opgeslagen versie(s) voor {question}."
)

d1, d2 = st.columns(2)
d1.download_button(
    "Download YAML",
    codebook.to_yaml(),
    file_name=f"{codebook.name}.v{codebook.version}.yaml",
    on_click="ignore",  # no rerun: a second download right after still works
    mime="text/yaml",
    key="cb_dl_yaml",
)
d2.download_button(
    "Download REFI-QDA (.qdc)",
    lambda: refi.to_qdc(codebook),
    file_name=f"{codebook.name}.v{codebook.version}.qdc",
    on_click="ignore",  # no rerun: a second download right after still works
    mime="application/xml",
    key="cb_dl_qdc",
)

st.subheader("Codes, bevestigde antwoorden en kwaliteit van de suggesties")
texts, gold = training_data(store, survey, question, wave)
ids = list(range(len(texts)))
try:
    table, mistakes = check_suggestions(codebook, texts, gold, ids)
except TextAnalysisError as exc:
    C.toon_fout(exc, "Suggesties toetsen lukte niet")
    st.stop()
depth = {c.id: d for c, _, d in codebook.iter_codes()}
parent = {c.id: p for c, p, _ in codebook.iter_codes()}
table["niveau"] = table["code"].map(depth)
table["bovenliggend"] = table["code"].map(lambda c: labels.get(parent.get(c) or "", ""))
if texts:
    st.caption(
        f"Trefwoorden en patronen van het codeboek getoetst op {len(texts)} door mensen gecodeerde antwoorden. "
        "Fout-positief: voorgesteld maar niet bevestigd; gemist: bevestigd maar niet voorgesteld."
    )
else:
    st.caption(
        "Nog geen gecodeerde antwoorden: precisie en recall verschijnen zodra er gecodeerd is."
    )
st.dataframe(
    table[
        ["code", "label", "bovenliggend", "confirmed", "predicted", "precision", "recall", "f1"]
    ].rename(
        columns={"confirmed": "bevestigd", "predicted": "voorgesteld", "precision": "precisie"}
    ),
    hide_index=True,
    column_config={
        "precisie": st.column_config.NumberColumn(format="%.2f"),
        "recall": st.column_config.NumberColumn(format="%.2f"),
        "f1": st.column_config.NumberColumn(format="%.2f"),
    },
)

code_id = st.selectbox(
    "Code bekijken en bewerken",
    codebook.code_ids,
    format_func=lambda c: f"{'— ' * depth[c]}{labels[c]} ({c})",
    key="cb_code",
)
code = codebook.get(code_id)
mine = mistakes[mistakes["code"] == code_id]
c1, c2 = st.columns(2)
with c1:
    fp = mine[mine["kind"] == "fout-positief"]
    st.markdown(f"**Fout-positief ({len(fp)})** – trefwoord te ruim?")
    if not fp.empty:
        st.dataframe(fp[["text", "score"]], hide_index=True)
with c2:
    fn = mine[mine["kind"] == "gemist"]
    st.markdown(f"**Gemist ({len(fn)})** – trefwoord of voorbeeld toevoegen?")
    if not fn.empty:
        st.dataframe(fn[["text", "score"]], hide_index=True)

with st.form(f"cb_edit_{code_id}"):
    label = st.text_input("Label", code.label, key=f"cb_edit_label_{code_id}")
    description = st.text_area("Definitie", code.description or "")
    i1, i2 = st.columns(2)
    include = i1.text_area("Wel (include)", code.include or "")
    exclude = i2.text_area("Niet (exclude)", code.exclude or "")
    keywords = st.text_area("Trefwoorden (één per regel)", "\n".join(code.keywords))
    examples = st.text_area("Voorbeelden (één per regel)", "\n".join(code.examples))
    if st.form_submit_button("Opslaan als nieuwe versie", type="primary"):
        fields = {
            "label": label.strip(),
            "description": description.strip(),
            "include": include.strip(),
            "exclude": exclude.strip(),
            "keywords": [k.strip() for k in keywords.splitlines() if k.strip()],
            "examples": [e.strip() for e in examples.splitlines() if e.strip()],
        }
        frame_op(  # reruns, so the header above names the new version
            "Niet opgeslagen",
            lambda who: frame.save_version(
                store,
                survey,
                question,
                edit_code(codebook, code_id, fields),
                coder=who,
                operation="edit",
                summary=f"edit '{code_id}'",
            ),  # fmt: skip
        )

with st.expander(
    f"Geschiedenis van het codeboek ({len(versions)} versie{'' if len(versions) == 1 else 's'})"
):
    log = frame.operations(store, question)
    if log.empty:
        st.caption("Nog geen wijzigingen via deze pagina, Coderen of Zoeken en coderen.")
    else:
        shown = log.iloc[::-1].assign(
            wijziging=lambda d: d["operation"].map(lambda o: OPERATION_NL.get(o, o))
        )
        st.dataframe(
            shown.rename(
                columns={"created_at": "tijdstip", "summary": "omschrijving", "coder": "codeur",
                         "version": "versie", "decisions": "beslissingen meegenomen",
                         "flagged": "na te kijken"}
            )[["tijdstip", "wijziging", "omschrijving", "codeur", "versie",
               "beslissingen meegenomen", "na te kijken"]],
            hide_index=True,
        )  # fmt: skip
        st.caption(
            "Tellingen van een eerdere versie: kies die versie op Resultaten "
            "(de beslissingen van toen tellen, niets is overschreven)."
        )

st.subheader("Codes toevoegen en ordenen")
st.caption(
    "Elke wijziging is een nieuwe codeboekversie; de beslissingen gaan mee als nieuwe "
    "beslissingen (niets wordt overschreven), zodat tellingen van eerdere versies gelijk blijven."
)
ids = codebook.code_ids
label_of = lambda c: f"{labels[c]} ({c})"  # noqa: E731
t_add, t_ren, t_mov, t_mer, t_spl, t_del = st.tabs(
    ["Toevoegen", "Hernoemen", "Verplaatsen", "Samenvoegen", "Splitsen", "Verwijderen"],
    key="cb_ops_tab",  # stays on the tab the analyst used after the rerun an operation makes
    on_change="rerun",
)
with t_add:
    first_code_form(ids, labels, "cb_new")
with t_ren, st.form("cb_rename"):
    code_r = st.selectbox("Code", ids, format_func=label_of, key="cb_ren_code")
    new_label = st.text_input("Nieuw label (mag leeg)", key="cb_ren_label")
    new_id = st.text_input("Nieuw code-id (mag leeg)", key="cb_ren_id")
    if st.form_submit_button("Hernoemen"):
        frame_op(
            "Niet hernoemd",
            lambda who: frame.rename(
                store,
                survey,
                question,
                code_r,
                coder=who,
                new_id=new_id.strip() or None,
                label=new_label.strip() or None,
            ),  # fmt: skip
        )
with t_mov, st.form("cb_move"):
    code_m = st.selectbox("Code", ids, format_func=label_of, key="cb_mov_code")
    parent_m = st.selectbox(
        "Onder",
        [None, *ids],
        format_func=lambda c: "(bovenste niveau)" if c is None else label_of(c),
        key="cb_mov_parent",
    )
    if st.form_submit_button("Verplaatsen"):
        frame_op(
            "Niet verplaatst",
            lambda who: frame.move(store, survey, question, code_m, parent_m, coder=who),
        )
with t_mer, st.form("cb_merge"):
    st.caption("Alle antwoorden met code A krijgen code B; A verdwijnt uit het codeboek.")
    code_a = st.selectbox("Code A (verdwijnt)", ids, format_func=label_of, key="cb_mer_a")
    code_b = st.selectbox("Samenvoegen in code B", ids, format_func=label_of, key="cb_mer_b")
    if st.form_submit_button("Samenvoegen"):
        frame_op(
            "Niet samengevoegd",
            lambda who: frame.merge(store, survey, question, code_a, code_b, coder=who),
        )
with t_spl, st.form("cb_split"):
    st.caption(
        "Code A wordt twee nieuwe codes B en C. De antwoorden met A komen op een lijst waarop u "
        "per antwoord kiest: B of C."
    )
    code_s = st.selectbox("Code A", ids, format_func=label_of, key="cb_spl_code")
    s1, s2 = st.columns(2)
    label_b = s1.text_input("Label van B", key="cb_spl_b")
    label_c = s2.text_input("Label van C", key="cb_spl_c")
    if st.form_submit_button("Splitsen"):
        taken = [*ids]
        into = []
        for lab in (label_b.strip(), label_c.strip()):
            new = code_id_from_label(lab, taken) if lab else ""
            taken.append(new)
            into.append((new, lab or None))
        frame_op(
            "Niet gesplitst",
            lambda who: frame.split(store, survey, question, code_s, into, coder=who),
        )
with t_del, st.form("cb_delete"):
    code_d = st.selectbox("Code", ids, format_func=label_of, key="cb_del_code")
    into_d = st.selectbox(
        "Antwoorden eerst overzetten naar",
        [None, *ids],
        format_func=lambda c: (
            "(niet: alleen als de code niet gebruikt wordt)" if c is None else label_of(c)
        ),
        key="cb_del_into",
    )
    if st.form_submit_button("Verwijderen"):
        frame_op(
            "Niet verwijderd",
            lambda who: frame.delete(store, survey, question, code_d, coder=who, into=into_d),
        )

me = C.coder()  # each coder assigns the answers of their own decisions
review = frame.split_review(store, survey, question, wave=wave, coder=me) if me else None
if not me and not frame.split_review(store, survey, question, wave=wave).empty:
    st.info("Er zijn gesplitste codes toe te wijzen: vul links uw naam (codeur) in.")
if review is not None and not review.empty:
    st.subheader(f"Gesplitste codes toewijzen ({len(review)} antwoorden van {me})")
    for was, group in review.groupby("was", sort=True):
        targets = [c for c in group["into"].iloc[0] if c in labels]
        st.markdown(f"**Was: {C.md_escape(was)}**, kies per antwoord de nieuwe code.")
        with st.form(f"cb_review_{was}"):
            choices = {}
            for r in group.head(50).itertuples():
                choices[int(r.unit_id)] = st.radio(
                    C.md_escape(r.text),
                    [*targets, "beide", "geen van beide"],
                    index=None,
                    horizontal=True,
                    format_func=lambda c: labels.get(c, c),
                    key=f"cb_review_{was}_{int(r.unit_id)}",
                )
            if st.form_submit_button("Toewijzen"):
                who = C.require_coder()
                if who:
                    n = 0
                    for unit, pick in choices.items():
                        if pick is None:
                            continue
                        codes = (
                            targets
                            if pick == "beide"
                            else ([] if pick == "geen van beide" else [pick])
                        )
                        n += 1
                        frame.assign_split(store, [unit], str(was), codes, coder=who)
                    st.session_state[MSG] = f"{n} antwoord(en) toegewezen."
                    st.rerun()
