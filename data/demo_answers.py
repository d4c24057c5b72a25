"""Hand-written answer texts for the constructed demo survey, with their gold codes side by side.

Every answer is ``(style, [(unit_text, "code code ..."), ...])``. ``style`` says how the
respondent typed the cell (see ``make_demo.join_units``); each unit is one point the
respondent made, and the codes after it are the leaf codes a human coder assigned by
reading the unit against the codebook definitions in ``codebook/*.yaml``.
Nothing here is real survey data: the texts were written for this demo, modelled on the
themes and wordings that the Movisie report "Sociale (wijk)teams: peiling 2022" quotes.
"""

from __future__ import annotations

Unit = tuple[str, str]
Answer = tuple[str, list[Unit]]

# --------------------------------------------------------------------------------------
# Q58 Actuele beleidsontwikkelingen (benoem maximaal 3 ontwikkelingen) -- 63 respondents
# --------------------------------------------------------------------------------------
Q58: list[Answer] = [
    ("num", [
        ("Hervormingsagenda jeugd", "hervormingsagenda_jeugd"),
        ("Toekomstscenario kind- en gezinsbescherming", "toekomstscenario_kgb"),
        ("Meer wijkgericht werken, dichtbij de inwoners", "wijkgericht_werken"),
    ]),
    ("bullet", [
        ("Preventie en vroegsignalering, vooral bij jongeren", "preventie_vroegsignalering"),
        ("Versterken van de sociale basis / voorliggend veld", "collectieve_voorzieningen"),
        ("Samenwerking met huisartsen en POH-GGZ verbeteren", "samenwerking_ketenpartners"),
    ]),
    ("semi", [
        ("outreachend werken", "outreachend_werken"),
        ("presentie in de wijk", "presentie"),
        ("collectieve voorzieningen versterken", "collectieve_voorzieningen"),
    ]),
    ("single", [
        ("Implementatie van de hervormingsagenda jeugd, samen met de regiogemeenten.",
         "hervormingsagenda_jeugd samenwerking_ketenpartners"),
    ]),
    ("num", [
        ("Gezinsaanpak: 1 gezin 1 plan 1 regisseur", "gezinsaanpak"),
        ("Veiligheid in gezinnen, betere afspraken met Veilig Thuis",
         "veiligheid_gezin samenwerking_ketenpartners"),
        ("Voorbereiden op de Wams", "wams"),
    ]),
    ("nl", [
        ("Wijkgerichte aanpak", "wijkgericht_werken"),
        ("Preventief werken", "preventie_vroegsignalering"),
        ("Integraal werken incl. werk en inkomen", "integraal_werken"),
    ]),
    ("dash", [
        ("Nieuwe inkoop jeugd en Wmo per 2024", "overig"),
        ("Toekomstscenario KGB", "toekomstscenario_kgb"),
    ]),
    ("single", [
        ("Doorontwikkeling naar één integrale toegang voor alle leeftijden (0-100 jaar).",
         "inrichting_toegang integraal_werken"),
    ]),
    ("num", [
        ("Hervormingsagenda", "hervormingsagenda_jeugd"),
        ("Wams", "wams"),
        ("GGZ in de wijk, mentale gezondheid van jongeren", "ggz_mentale_gezondheid"),
    ]),
    ("bullet", [
        ("Energiecrisis en armoede, we krijgen veel meer vragen over geldzorgen", "bestaanszekerheid"),
        ("Opvang Oekraiense vluchtelingen vraagt veel van het team", "overig"),
        ("Preventie", "preventie_vroegsignalering"),
    ]),
    ("num", [
        ("Outreachend en vindplaatsgericht werken, bv. op scholen en bij de huisarts",
         "outreachend_werken"),
        ("Jeugdhulp: hervormingsagenda en het terugdringen van het gebruik van specialistische jeugdhulp",
         "hervormingsagenda_jeugd"),
        ("Arbeidsmarkt: behoud van goede medewerkers", "personeel_deskundigheid"),
    ]),
    ("nl", [
        ("meer inzetten op collectieve activiteiten ipv individuele begeleiding",
         "collectieve_voorzieningen"),
        ("samenwerking onderwijs-jeugdhulp", "samenwerking_ketenpartners"),
    ]),
    ("single", [
        ("Wijkteams gaan meer preventief en wijkgericht werken, in nauwe samenwerking met het welzijnswerk.",
         "preventie_vroegsignalering wijkgericht_werken samenwerking_ketenpartners"),
    ]),
    ("num", [
        ("Toekomstscenario kind en gezinsbescherming, regionale uitwerking", "toekomstscenario_kgb"),
        ("Gezinsgericht werken, het hele gezin in beeld", "gezinsaanpak"),
        ("Veiligheid: sneller handelen bij huiselijk geweld", "veiligheid_gezin"),
    ]),
    ("semi", [
        ("Hervormingsagenda Jeugd", "hervormingsagenda_jeugd"),
        ("Wams", "wams"),
        ("bestaanszekerheid", "bestaanszekerheid"),
    ]),
    ("bullet", [
        ("Presentie: zichtbaar zijn in de wijk, spreekuren in de buurthuizen", "presentie"),
        ("Samen met huisarts en wijkverpleging één netwerk in de wijk", "samenwerking_ketenpartners"),
    ]),
    ("num", [
        ("Herinrichting van de toegang: het wijkteam gaat vanaf 2023 in eigen beheer (inbesteden)",
         "inrichting_toegang"),
        ("Preventie en vroegsignalering", "preventie_vroegsignalering"),
        ("hervormingsagenda jeugd", "hervormingsagenda_jeugd"),
    ]),
    ("single", [("Hervormingsagenda jeugd", "hervormingsagenda_jeugd")]),
    ("nl", [
        ("1 gezin 1 plan", "gezinsaanpak"),
        ("Versterken samenwerking in de jeugdbeschermingsketen", "veiligheid_gezin samenwerking_ketenpartners"),
        ("Netwerkaanpak: meer het eigen netwerk van inwoners benutten", "overig"),
    ]),
    ("dash", [
        ("Wijkgericht werken", "wijkgericht_werken"),
        ("Outreachend werken", "outreachend_werken"),
        ("Preventie", "preventie_vroegsignalering"),
    ]),
    ("num", [
        ("Integraal werken over de domeinen heen (zorg, werk, schulden, wonen)", "integraal_werken"),
        ("Versterken van collectieve voorzieningen in de wijk zodat niet alles via een maatwerkvoorziening hoeft",
         "collectieve_voorzieningen"),
        ("Meer aandacht voor mentale gezondheid en eenzaamheid", "ggz_mentale_gezondheid"),
    ]),
    ("single", [
        ("Het toekomstscenario en de hervormingsagenda, dat gaat veel vragen van de teams. "
         "Verder meer samenwerken met het voorveld.",
         "toekomstscenario_kgb hervormingsagenda_jeugd samenwerking_ketenpartners"),
    ]),
    ("num", [
        ("Uitvoering geven aan de Samenhangende preventiestrategie / GALA", "preventie_vroegsignalering"),
        ("Aansluiting bij de SHV, sociaal werk en vrijwilligersorganisaties versterken",
         "collectieve_voorzieningen samenwerking_ketenpartners"),
        ("Doorontwikkeling van het CJG naar een integraal team", "inrichting_toegang integraal_werken"),
    ]),
    ("bullet", [
        ("Wams", "wams"),
        ("Armoede en schulden vroegsignalering", "bestaanszekerheid preventie_vroegsignalering"),
    ]),
    ("semi", [
        ("Wijkgericht werken", "wijkgericht_werken"),
        ("meer integraal werken", "integraal_werken"),
        ("toekomstscenario", "toekomstscenario_kgb"),
    ]),
    ("num", [
        ("Hervormingsagenda jeugd: o.a. normaliseren en meer inzet op lichte hulp", "hervormingsagenda_jeugd"),
        ("Gezinsaanpak centraler stellen", "gezinsaanpak"),
        ("Kennis en deskundigheid van de medewerkers op peil houden", "personeel_deskundigheid"),
    ]),
    ("single", [
        ("Presentie en outreachend werken, vooral in de kwetsbare wijken waar mensen zelf niet snel hulp vragen",
         "presentie outreachend_werken"),
    ]),
    ("dash", [
        ("de hervormingsagenda", "hervormingsagenda_jeugd"),
        ("wams", "wams"),
    ]),
    ("num", [
        ("Preventie", "preventie_vroegsignalering"),
        ("samenwerking", "samenwerking_ketenpartners"),
        ("wijkgericht", "wijkgericht_werken"),
    ]),
    ("bullet", [
        ("Toekomstscenario kind- en gezinsbescherming: regionaal expertteam veiligheid",
         "toekomstscenario_kgb veiligheid_gezin"),
        ("Outreachend werken met de jongerenwerkers", "outreachend_werken"),
        ("Versterken informele zorg en mantelzorgondersteuning", "collectieve_voorzieningen"),
    ]),
    ("single", [
        ("Vanaf 1-1-2023 werken we met een nieuwe toegang: 1 loket voor Wmo, Jeugd en Participatie.",
         "inrichting_toegang integraal_werken"),
    ]),
    ("num", [
        ("Hervormingsagenda jeugd", "hervormingsagenda_jeugd"),
        ("Toekomstscenario", "toekomstscenario_kgb"),
        ("Energiearmoede", "bestaanszekerheid"),
    ]),
    ("dash", [
        ("Meer preventief werken, samen met de GGD en het onderwijs",
         "preventie_vroegsignalering samenwerking_ketenpartners"),
        ("GGZ en wijkteam: een POH-GGZ jeugd bij het CJG en de huisartsen",
         "ggz_mentale_gezondheid samenwerking_ketenpartners"),
    ]),
    ("semi", [
        ("collectief voor individueel", "collectieve_voorzieningen"),
        ("preventie", "preventie_vroegsignalering"),
        ("integrale aanpak multiproblematiek", "integraal_werken"),
    ]),
    ("nl", [
        ("Wijkgericht werken met wijkprofielen", "wijkgericht_werken"),
        ("Outreachend werken", "outreachend_werken"),
        ("Gezinsaanpak", "gezinsaanpak"),
    ]),
    ("num", [
        ("Implementatie van de Wams zodra die er komt, gegevensdeling is nu een knelpunt", "wams"),
        ("Samenwerking met de jeugdbescherming en Veilig Thuis verbeteren",
         "samenwerking_ketenpartners veiligheid_gezin"),
        ("Hervormingsagenda", "hervormingsagenda_jeugd"),
    ]),
    ("single", [
        ("We zijn bezig met een nieuwe visie op het sociaal domein waarin preventie en de sociale basis centraal staan.",
         "preventie_vroegsignalering collectieve_voorzieningen"),
    ]),
    ("bullet", [
        ("Hervormingsagenda jeugd", "hervormingsagenda_jeugd"),
        ("Toekomstscenario kind- en gezinsbescherming", "toekomstscenario_kgb"),
        ("Gezinsaanpak en veiligheid in gezinnen", "gezinsaanpak veiligheid_gezin"),
    ]),
    ("num", [
        ("Meer outreachend werken", "outreachend_werken"),
        ("Presentie in de wijken", "presentie"),
    ]),
    ("nl", [
        ("Integrale aanpak schulden en armoede, samen met de schuldhulpverlening",
         "bestaanszekerheid integraal_werken samenwerking_ketenpartners"),
        ("Nieuwe aanbesteding van het wijkteam per 2024", "inrichting_toegang"),
    ]),
    ("single", [("preventie, wijkgericht werken", "preventie_vroegsignalering wijkgericht_werken")]),
    ("num", [
        ("Hervormingsagenda jeugd en terugdringen wachtlijsten jeugdhulp", "hervormingsagenda_jeugd"),
        ("Vroegsignalering schulden", "bestaanszekerheid preventie_vroegsignalering"),
        ("Versterken sociale basis en collectieve voorzieningen", "collectieve_voorzieningen"),
    ]),
    ("dash", [
        ("Wijkgericht werken: teams per wijk ipv per doelgroep", "wijkgericht_werken inrichting_toegang"),
        ("Samenwerking met de eerstelijnszorg (huisarts, POH, wijkverpleging)", "samenwerking_ketenpartners"),
        ("Wams", "wams"),
    ]),
    ("single", [
        ("Toekomstscenario kind- en gezinsbescherming, wat betekent dat voor de rol van het wijkteam t.o.v. de GI?",
         "toekomstscenario_kgb"),
    ]),
    ("alpha", [
        ("preventie", "preventie_vroegsignalering"),
        ("samenwerken met het voorliggend veld", "samenwerking_ketenpartners"),
        ("hervormingsagenda", "hervormingsagenda_jeugd"),
    ]),
    ("num", [
        ("Mentale gezondheid jeugd na corona", "ggz_mentale_gezondheid"),
        ("Presentie en bereikbaarheid in de kernen", "presentie"),
        ("Preventieakkoord / GALA", "preventie_vroegsignalering"),
    ]),
    ("bullet", [
        ("Integraal werken", "integraal_werken"),
        ("Gezinsaanpak", "gezinsaanpak"),
    ]),
    ("semi", [
        ("De hervormingsagenda jeugd en het toekomstscenario", "hervormingsagenda_jeugd toekomstscenario_kgb"),
        ("daarnaast werken we aan een betere samenwerking met de GGZ voor inwoners met verward gedrag.",
         "ggz_mentale_gezondheid samenwerking_ketenpartners"),
    ]),
    ("num", [
        ("Outreachend werken", "outreachend_werken"),
        ("Vroegsignalering", "preventie_vroegsignalering"),
        ("Collectieve voorzieningen", "collectieve_voorzieningen"),
    ]),
    ("nl", [
        ("Nieuw beleidsplan sociaal domein 2023-2026", "overig"),
        ("Wijkgericht en outreachend werken", "wijkgericht_werken outreachend_werken"),
    ]),
    ("semi", [
        ("Hervormingsagenda jeugd", "hervormingsagenda_jeugd"),
        ("Toekomstscenario kind- en gezinsbescherming", "toekomstscenario_kgb"),
    ]),
    ("single", [("Wijkgericht werken", "wijkgericht_werken")]),
    ("num", [
        ("Veiligheid in gezinnen borgen, ook na afsluiten van de hulp", "veiligheid_gezin"),
        ("Gezinsaanpak centraal", "gezinsaanpak"),
        ("Personeel behouden en opleiden, de arbeidsmarkt is krap", "personeel_deskundigheid"),
    ]),
    ("dash", [
        ("Collectieve voorzieningen versterken en verbinden met het wijkteam", "collectieve_voorzieningen"),
        ("Presentie", "presentie"),
    ]),
    ("single", [
        ("Vooral de hervormingsagenda jeugd. Contactpersoon voor vragen hierover is Peter Bakker, "
         "tel. 06-12345678.",
         "hervormingsagenda_jeugd"),
    ]),
    ("num", [
        ("Integraal werken: werk en inkomen onderdeel van het wijkteam maken",
         "integraal_werken inrichting_toegang"),
        ("Preventie", "preventie_vroegsignalering"),
        ("Toekomstscenario", "toekomstscenario_kgb"),
    ]),
    ("bullet", [
        ("Bestaanszekerheid", "bestaanszekerheid"),
        ("Wijkgericht werken", "wijkgericht_werken"),
        ("Samenwerking met scholen", "samenwerking_ketenpartners"),
    ]),
    ("single", [
        ("Meer samenwerking en integraal werken met partners in de wijk",
         "samenwerking_ketenpartners integraal_werken"),
    ]),
    ("nl", [
        ("Hervormingsagenda jeugd", "hervormingsagenda_jeugd"),
        ("Preventie en vroegsignalering", "preventie_vroegsignalering"),
        ("Gezinsgerichte aanpak bij scheidingen", "gezinsaanpak"),
    ]),
    ("num", [
        ("Ouderen langer thuis: wonen, zorg en welzijn in de wijk", "overig"),
        ("Outreachend werken", "outreachend_werken"),
    ]),
    ("single", [
        ("Wams en hervormingsagenda", "wams hervormingsagenda_jeugd"),
    ]),
    ("semi", [
        ("presentie", "presentie"),
        ("preventie", "preventie_vroegsignalering"),
        ("collectieve voorzieningen", "collectieve_voorzieningen"),
    ]),
    ("num", [
        ("Toekomstscenario kind- en gezinsbescherming", "toekomstscenario_kgb"),
        ("Samenwerking in de jeugdbeschermingsketen", "samenwerking_ketenpartners veiligheid_gezin"),
        ("Integraal werken", "integraal_werken"),
    ]),
]

# --------------------------------------------------------------------------------------
# Q60 Grootste knelpunten -- 49 respondents
# --------------------------------------------------------------------------------------
Q60: list[Answer] = [
    ("single", [
        ("Wachtlijsten bij de jeugdhulpaanbieders, waardoor wij als wijkteam lang moeten overbruggen.",
         "wachtlijst_aanbieders"),
    ]),
    ("nl", [
        ("Hoge werkdruk", "werkdruk"),
        ("Personeelstekort", "personeelstekort"),
        ("Toename complexe hulpvragen", "complexe_hulpvragen"),
    ]),
    ("single", [
        ("De werkdruk is erg hoog door ziekte en verloop, vacatures zijn moeilijk in te vullen.",
         "werkdruk personeelstekort"),
    ]),
    ("bullet", [
        ("wachtlijsten in het eigen team (aanmelding tot intake nu 8 weken)", "wachtlijst_team"),
        ("administratieve lasten, veel tijd kwijt aan registratie en beschikkingen", "administratieve_lasten"),
    ]),
    ("single", [
        ("Verkokerd zorglandschap: organisaties werken onvoldoende samen en langs elkaar heen.",
         "verkokerd_zorglandschap"),
    ]),
    ("num", [
        ("Wachtlijsten GGZ en jeugd-GGZ", "wachtlijst_aanbieders"),
        ("Complexe problematiek waar het team eigenlijk niet voor is toegerust", "complexe_hulpvragen"),
        ("Werkdruk", "werkdruk"),
    ]),
    ("single", [
        ("Het wijkteam wordt steeds meer een voorportaal van de specialistische zorg, "
         "we komen niet toe aan preventie en collectief werken.",
         "afbakening onvoldoende_preventie"),
    ]),
    ("dash", [
        ("Personeelstekort en veel inhuur", "personeelstekort"),
        ("Financiën: tekorten op jeugd", "financien"),
    ]),
    ("single", [("wachtlijsten", "wachtlijst_team")]),
    ("nl", [
        ("Afbakening: wat doet het wijkteam wel en wat niet? Alles komt bij ons terecht.", "afbakening"),
        ("Aansluiting met de tweede lijn is onvoldoende, op- en afschalen loopt stroef",
         "aansluiting_tweedelijn"),
    ]),
    ("single", [
        ("Wachtlijsten bij zorgaanbieders en in het team zelf, hoge werkdruk.",
         "wachtlijst_aanbieders wachtlijst_team werkdruk"),
    ]),
    ("semi", [
        ("werkdruk", "werkdruk"),
        ("personeelstekort", "personeelstekort"),
        ("wachtlijsten", "wachtlijst_team"),
    ]),
    ("single", [
        ("Steeds zwaardere en complexere casuistiek, mede door de wachtlijsten in de specialistische GGZ "
         "blijven inwoners langer bij het wijkteam.",
         "complexe_hulpvragen wachtlijst_aanbieders"),
    ]),
    ("num", [
        ("Administratieve lasten", "administratieve_lasten"),
        ("Privacy en gegevensdeling tussen partners", "overig"),
    ]),
    ("single", [
        ("Te weinig capaciteit: vacatures blijven lang open staan en er is veel verloop. "
         "Voor meer info: Marieke Jansen, m.jansen@gemeente017.example.nl",
         "personeelstekort"),
    ]),
    ("bullet", [
        ("Geen goede aansluiting op de specialistische jeugdhulp", "aansluiting_tweedelijn"),
        ("Wachtlijsten", "wachtlijst_aanbieders"),
        ("Werkdruk bij de jeugdconsulenten", "werkdruk"),
    ]),
    ("single", [("Hoge werkdruk", "werkdruk")]),
    ("nl", [
        ("Onvoldoende financiele middelen, bezuinigingen op het sociaal domein", "financien"),
        ("Te weinig tijd voor preventief werken", "onvoldoende_preventie"),
    ]),
    ("single", [
        ("Samenwerking met de huisartsen blijft lastig, zij verwijzen vaak direct door zonder overleg met het team.",
         "verkokerd_zorglandschap"),
    ]),
    ("dash", [
        ("Toename van complexe hulpvragen (multiproblematiek, schulden en psychische problemen tegelijk)",
         "complexe_hulpvragen"),
        ("Onvoldoende GGZ-expertise in het team", "ggz_expertise"),
    ]),
    ("single", [
        ("Wachttijd voor het team is opgelopen tot 3 maanden voor niet urgente vragen", "wachtlijst_team"),
    ]),
    ("num", [
        ("Personeelstekort", "personeelstekort"),
        ("Wachtlijsten", "wachtlijst_team"),
        ("Regeldruk", "administratieve_lasten"),
    ]),
    ("single", [
        ("Het is niet helder waar de taak van het wijkteam ophoudt en die van de GI of de specialistische "
         "aanbieder begint.",
         "afbakening"),
    ]),
    ("nl", [
        ("Werkdruk en ziekteverzuim", "werkdruk personeelstekort"),
        ("Teveel registratie", "administratieve_lasten"),
    ]),
    ("single", [
        ("Verkokering: iedere organisatie heeft eigen systemen en eigen regels, integraal werken lukt zo niet.",
         "verkokerd_zorglandschap"),
    ]),
    ("semi", [
        ("Wachtlijsten aanbieders", "wachtlijst_aanbieders"),
        ("complexe problematiek", "complexe_hulpvragen"),
    ]),
    ("single", [("Personeelstekort!", "personeelstekort")]),
    ("bullet", [
        ("De jeugdhulp is te duur, het budget is ontoereikend", "financien"),
        ("Stagnatie in de keten, vooral bij jeugdhulp, waardoor niet snel de juiste zorg kan worden ingezet",
         "wachtlijst_aanbieders aansluiting_tweedelijn"),
    ]),
    ("single", [
        ("werkdruk is hoog, caseload van 40+ per consulent", "werkdruk"),
    ]),
    ("num", [
        ("Complexe hulpvragen nemen toe", "complexe_hulpvragen"),
        ("Aansluiting tweedelijnszorg", "aansluiting_tweedelijn"),
        ("Afbakening van vraagstukken", "afbakening"),
    ]),
    ("single", [
        ("Door de krappe arbeidsmarkt werken we met veel ZZP-ers en interim, dat gaat ten koste van de continuiteit.",
         "personeelstekort"),
    ]),
    ("nl", [
        ("Wachtlijsten bij het team", "wachtlijst_team"),
        ("Gebrek aan specialistische kennis over GGZ en verslaving", "ggz_expertise"),
    ]),
    ("single", [
        ("Administratieve lasten en verantwoording richting gemeente, onze medewerkers zijn daar veel tijd aan kwijt.",
         "administratieve_lasten"),
    ]),
    ("dash", [
        ("Werkdruk", "werkdruk"),
        ("Organisaties die onvoldoende samenwerken", "verkokerd_zorglandschap"),
    ]),
    ("single", [
        ("Wachtlijsten in de jeugdzorg en de GGZ zorgen ervoor dat wij langer betrokken blijven dan goed is.",
         "wachtlijst_aanbieders"),
    ]),
    ("single", [
        ("Gebrek aan goed personeel, met name jeugdconsulenten met SKJ registratie.", "personeelstekort"),
    ]),
    ("num", [
        ("Financien", "financien"),
        ("Werkdruk", "werkdruk"),
    ]),
    ("single", [
        ("We lopen aan tegen de grenzen van wat een generalist kan, de hulpvragen worden complexer.",
         "complexe_hulpvragen"),
    ]),
    ("bullet", [
        ("Administratieve lasten", "administratieve_lasten"),
        ("Afstemming met de tweedelijn", "aansluiting_tweedelijn"),
        ("Personeelstekort", "personeelstekort"),
    ]),
    ("single", [
        ("Eigenlijk alles komt bij het wijkteam terecht, ook vragen die bij andere partijen horen.",
         "afbakening"),
    ]),
    ("nl", [
        ("Wachtlijst", "wachtlijst_team"),
        ("werkdruk", "werkdruk"),
    ]),
    ("single", [
        ("Niet zozeer de werkdruk, wel de wachtlijsten bij de aanbieders van specialistische jeugdhulp.",
         "wachtlijst_aanbieders"),
    ]),
    ("single", [
        ("Onvoldoende samenwerking met de GGZ en het wijkteam heeft zelf te weinig GGZ deskundigheid.",
         "verkokerd_zorglandschap ggz_expertise"),
    ]),
    ("semi", [
        ("werkdruk", "werkdruk"),
        ("administratie", "administratieve_lasten"),
        ("financien", "financien"),
    ]),
    ("single", [
        ("We hebben geen wachtlijsten meer, maar de complexiteit van de vragen neemt toe.",
         "complexe_hulpvragen"),
    ]),
    ("single", [
        ("Toename van het aantal aanmeldingen, vooral van inwoners met psychische problemen "
         "en geldzorgen.",
         "complexe_hulpvragen"),
    ]),
    ("dash", [
        ("Verloop van personeel", "personeelstekort"),
        ("Wachtlijsten bij aanbieders", "wachtlijst_aanbieders"),
    ]),
    ("single", [
        ("Te weinig tijd voor outreachend en preventief werken door de vele individuele hulpvragen.",
         "onvoldoende_preventie"),
    ]),
    ("single", [
        ("Politieke druk om kosten te beheersen terwijl de vraag stijgt.", "financien"),
    ]),
]

# --------------------------------------------------------------------------------------
# Q53 Belangrijkste geleerde lessen uit monitoring en evaluatie -- 64 respondents
# --------------------------------------------------------------------------------------
Q53: list[Answer] = [
    ("single", [
        ("Clienten zijn tevreden over de ondersteuning en de bejegening door de consulenten.",
         "waardering_ondersteuning"),
    ]),
    ("single", [
        ("Uit het CTO blijkt dat inwoners de bereikbaarheid en toegankelijkheid waarderen, "
         "maar de wachttijd na de intake is te lang.",
         "waardering_bereikbaarheid wachttijden"),
    ]),
    ("nl", [
        ("Inwoners zijn positief over het contact met het wijkteam", "waardering_ondersteuning"),
        ("Het informele netwerk wordt nog te weinig betrokken", "informeel_netwerk"),
    ]),
    ("single", [("De wijkteams zijn van meerwaarde.", "meerwaarde_wijkteams")]),
    ("single", [
        ("Wachttijden zijn te lang, daar wordt nu op gestuurd.", "wachttijden"),
    ]),
    ("bullet", [
        ("Clienten waarderen onze ondersteuning", "waardering_ondersteuning"),
        ("Het lukt nog onvoldoende om het hele gezin te ondersteunen, we kijken vaak alleen naar het kind",
         "hele_gezin"),
    ]),
    ("single", [
        ("We moeten de integrale aanpak verder doorontwikkelen, inclusief werk en inkomen.",
         "integrale_aanpak"),
    ]),
    ("single", [
        ("Hoge tevredenheid (gem. 8,1), inwoners voelen zich gehoord.", "waardering_ondersteuning"),
    ]),
    ("num", [
        ("Bereikbaarheid telefonisch kan beter", "waardering_bereikbaarheid"),
        ("Wachttijden", "wachttijden"),
    ]),
    ("single", [
        ("Het netwerk van de inwoner wordt nog onvoldoende ingezet, medewerkers pakken veel zelf op.",
         "informeel_netwerk"),
    ]),
    ("single", [
        ("Er zijn inwoners die buiten de boot vallen omdat ze niet binnen de kaders passen. "
         "Meer ruimte voor maatwerk is nodig.",
         "maatwerk"),
    ]),
    ("single", [
        ("De respons op het clienttevredenheidsonderzoek is laag, dus we weten eigenlijk te weinig.",
         "monitoring_data"),
    ]),
    ("nl", [
        ("Inwoners waarderen de laagdrempeligheid", "waardering_bereikbaarheid"),
        ("Het team moet beter gepositioneerd worden in de gemeente, niet iedereen kent het wijkteam",
         "positionering"),
    ]),
    ("single", [
        ("Scheiden van toegang en begeleiding werkt beter, we hebben nu een apart team toegang.",
         "scheiden_rollen"),
    ]),
    ("single", [("tevreden clienten", "waardering_ondersteuning")]),
    ("single", [
        ("Onafhankelijke clientondersteuning is nog weinig bekend bij inwoners, we moeten dit steeds "
         "opnieuw onder de aandacht brengen.",
         "clientondersteuning"),
    ]),
    ("single", [
        ("Het wijkteam is van meerwaarde voor de inwoners: snel en dichtbij.", "meerwaarde_wijkteams"),
    ]),
    ("dash", [
        ("Goede waardering van de bejegening", "waardering_ondersteuning"),
        ("Wachttijden na aanmelding zijn te lang", "wachttijden"),
        ("Meer inzet op netwerk nodig", "informeel_netwerk"),
    ]),
    ("single", [
        ("Krapte op de arbeidsmarkt: goed letten op evenwicht in het team en werkplezier.",
         "personeel_behoud"),
    ]),
    ("single", [
        ("Werken vanuit een gezamenlijke visie en doel is een voorwaarde, niet ieder vanuit de eigen organisatie.",
         "gezamenlijke_visie"),
    ]),
    ("single", [
        ("Begeleiding in de wijk zelf levert veel op: inwoners worden gekoppeld aan buurtbewoners "
         "en wijkactiviteiten en worden soms zelf vrijwilliger.",
         "inclusie_participatie"),
    ]),
    ("single", [
        ("Cijfers over doorlooptijden zijn niet betrouwbaar, de registratie is niet op orde.",
         "monitoring_data"),
    ]),
    ("nl", [
        ("Inwoners zijn tevreden", "waardering_ondersteuning"),
        ("Maar de wachttijd is te lang", "wachttijden"),
    ]),
    ("single", [
        ("Het hele gezin ondersteunen lukt nog onvoldoende, de hulp is versnipperd.", "hele_gezin"),
    ]),
    ("single", [
        ("Het evaluatierapport is opgesteld door Sanne de Vries (s.devries@gemeente042.example.nl), "
         "belangrijkste les: de toegang is voor inwoners makkelijk te vinden.",
         "waardering_bereikbaarheid"),
    ]),
    ("single", [
        ("Meer aandacht nodig voor goede communicatie naar inwoners over wat het team doet.",
         "positionering"),
    ]),
    ("bullet", [
        ("Cliënten waarderen de ondersteuning en bejegening", "waardering_ondersteuning"),
        ("Wijkteams zijn van meerwaarde", "meerwaarde_wijkteams"),
        ("Informele netwerk betrekken lukt nog onvoldoende", "informeel_netwerk"),
    ]),
    ("single", [
        ("Evaluatie loopt nog, resultaten worden in het voorjaar verwacht.", "overig"),
    ]),
    ("single", [
        ("Inwoners ervaren dat ze snel geholpen worden en dat de lijnen kort zijn.",
         "waardering_bereikbaarheid"),
    ]),
    ("single", [
        ("Meer maatwerk nodig voor casussen die tussen wal en schip vallen.", "maatwerk"),
    ]),
    ("single", [
        ("De integrale werkwijze moet beter, nu nog te veel per domein.", "integrale_aanpak"),
    ]),
    ("nl", [
        ("Wachttijden te lang", "wachttijden"),
        ("Te weinig aandacht voor het gezinssysteem", "hele_gezin"),
    ]),
    ("single", [
        ("Het team is goed bereikbaar, inwoners weten de weg te vinden.", "waardering_bereikbaarheid"),
    ]),
    ("single", [
        ("Cliënten geven aan dat de wachttijden (na een intake) te lang zijn.", "wachttijden"),
    ]),
    ("single", [
        ("Medewerkers willen zich kunnen ontwikkelen, anders vertrekken ze. Doorgroeimogelijkheden zijn belangrijk.",
         "personeel_behoud"),
    ]),
    ("single", [
        ("Houding en gedrag van professionals is net zo belangrijk als de structuur, daar zetten we nu op in.",
         "gezamenlijke_visie"),
    ]),
    ("single", [
        ("De wijkteams zijn een meerwaarde, maar de gemeente moet duidelijker sturen op resultaten.",
         "meerwaarde_wijkteams monitoring_data"),
    ]),
    ("semi", [
        ("tevredenheid hoog", "waardering_ondersteuning"),
        ("wachttijden lang", "wachttijden"),
        ("netwerk te weinig betrokken", "informeel_netwerk"),
    ]),
    ("single", [
        ("Inwoners vinden de bejegening prettig en voelen zich serieus genomen.",
         "waardering_ondersteuning"),
    ]),
    ("single", [
        ("De onafhankelijke clientondersteuning blijft lastig, weinig inwoners maken er gebruik van.",
         "clientondersteuning"),
    ]),
    ("single", [
        ("Scheiding tussen de rol van indicatiesteller en hulpverlener is van belang.", "scheiden_rollen"),
    ]),
    ("single", [
        ("Het wijkteam moet beter in stelling worden gebracht richting huisartsen en scholen.",
         "positionering"),
    ]),
    ("single", [
        ("We hebben geleerd dat we meer op outcome moeten sturen i.p.v. op productie.", "monitoring_data"),
    ]),
    ("single", [
        ("Ouders waarderen dat het wijkteam meedenkt, maar het lukt nog onvoldoende om broertjes, zusjes "
         "en ouders zelf ook te ondersteunen.",
         "waardering_ondersteuning hele_gezin"),
    ]),
    ("single", [("Clienten zijn over het algemeen tevreden.", "waardering_ondersteuning")]),
    ("single", [
        ("Meerwaarde van de wijkteams is duidelijk: minder doorverwijzingen naar duurdere zorg.",
         "meerwaarde_wijkteams"),
    ]),
    ("nl", [
        ("toegankelijkheid goed", "waardering_bereikbaarheid"),
        ("wachttijden na intake te lang", "wachttijden"),
    ]),
    ("single", [
        ("Mantelzorgers en het sociale netwerk worden nog te weinig betrokken bij de ondersteuning.",
         "informeel_netwerk"),
    ]),
    ("single", [
        ("Werk en inkomen moet meer onderdeel worden van de integrale aanpak, schulden spelen bijna altijd mee.",
         "integrale_aanpak"),
    ]),
    ("single", [
        ("Inwoners worden goed geholpen, de samenwerking met het team wordt gewaardeerd door clienten "
         "en ketenpartners.",
         "waardering_ondersteuning"),
    ]),
    ("single", [
        ("Inwoners weten het wijkteam niet altijd te vinden, de naamsbekendheid moet omhoog.",
         "positionering"),
    ]),
    ("single", [
        ("We zien dat inwoners via vrijwilligerswerk weer meedoen, dat werkt beter dan alleen individuele begeleiding.",
         "inclusie_participatie"),
    ]),
    ("single", [
        ("Er moet meer ruimte komen voor maatwerk buiten de standaard producten.", "maatwerk"),
    ]),
    ("single", [
        ("Clienttevredenheid is goed, bereikbaarheid ook.",
         "waardering_ondersteuning waardering_bereikbaarheid"),
    ]),
    ("single", [
        ("Het is lastig om effecten te meten, we willen naar een monitor met outcome-indicatoren.",
         "monitoring_data"),
    ]),
    ("single", [
        ("De wachttijd voor jeugd is fors, bij Wmo gaat het beter.", "wachttijden"),
    ]),
    ("single", [
        ("Gezinnen met meerdere problemen krijgen nog te vaak meerdere hulpverleners, 1 gezin 1 plan lukt nog onvoldoende.",
         "hele_gezin"),
    ]),
    ("single", [
        ("Behoud van personeel is een aandachtspunt, we investeren in scholing en werkplezier.",
         "personeel_behoud"),
    ]),
    ("single", [
        ("De inwoner waardeert het wijkteam met een ruime voldoende.", "waardering_ondersteuning"),
    ]),
    ("single", [
        ("Gezamenlijke visie en doelen, samenwerking over de organisaties heen is voorwaarde.",
         "gezamenlijke_visie"),
    ]),
    ("single", [
        ("Informele zorg en vrijwilligers nog meer inschakelen.", "informeel_netwerk"),
    ]),
    ("semi", [
        ("Wijkteams zijn goed toegankelijk en bereikbaar", "waardering_bereikbaarheid"),
        ("wel knelt de wachttijd.", "wachttijden"),
    ]),
    ("single", [
        ("Meerwaarde van het wijkteam zit in de korte lijnen met de huisarts en het onderwijs.",
         "meerwaarde_wijkteams"),
    ]),
    ("single", [
        ("Zie rapportage, contact: Henk Visser 06-98765432", "overig"),
    ]),
]

# --------------------------------------------------------------------------------------
# 2019 wave, Q60 knelpunten -- about 38 respondents (themes from the 2019 trade-press article)
# --------------------------------------------------------------------------------------
Q60_2019: list[Answer] = [
    ("single", [("Hoge werkdruk door lange wachtlijsten", "werkdruk wachtlijst_team")]),
    ("nl", [
        ("Personeelstekort", "personeelstekort"),
        ("Werkdruk", "werkdruk"),
    ]),
    ("single", [
        ("Zwaardere problematiek bij aanmeldingen, meer multiproblem huishoudens.", "complexe_hulpvragen"),
    ]),
    ("single", [
        ("We missen expertise op het gebied van GGZ in het team.", "ggz_expertise"),
    ]),
    ("bullet", [
        ("Wachtlijsten bij de specialistische jeugdhulp", "wachtlijst_aanbieders"),
        ("Samenwerking met de huisartsen", "verkokerd_zorglandschap"),
    ]),
    ("single", [("werkdruk", "werkdruk")]),
    ("single", [
        ("Toename van het aantal aanmeldingen en de vragen worden zwaarder.", "complexe_hulpvragen"),
    ]),
    ("num", [
        ("Werkdruk", "werkdruk"),
        ("Wachtlijsten", "wachtlijst_team"),
        ("Personeelstekort", "personeelstekort"),
    ]),
    ("single", [
        ("Samenwerking met andere organisaties verloopt moeizaam, iedereen werkt vanuit de eigen koker.",
         "verkokerd_zorglandschap"),
    ]),
    ("single", [
        ("Geen tijd voor preventie, het team is vooral bezig met individuele hulpvragen.",
         "onvoldoende_preventie"),
    ]),
    ("dash", [
        ("GGZ expertise ontbreekt", "ggz_expertise"),
        ("verwarde personen in de wijk", "complexe_hulpvragen"),
    ]),
    ("single", [
        ("Door personeelstekort lopen de wachtlijsten op.", "personeelstekort wachtlijst_team"),
    ]),
    ("single", [("Wachtlijsten jeugd-GGZ", "wachtlijst_aanbieders")]),
    ("single", [
        ("Hoge caseload, werkdruk en ziekteverzuim.", "werkdruk personeelstekort"),
    ]),
    ("nl", [
        ("Zwaardere problematiek", "complexe_hulpvragen"),
        ("samenwerking met de tweedelijns GGZ", "aansluiting_tweedelijn"),
    ]),
    ("single", [
        ("Financiele tekorten op de jeugdhulp.", "financien"),
    ]),
    ("single", [
        ("Het team heeft te weinig kennis van psychiatrische problematiek.", "ggz_expertise"),
    ]),
    ("semi", [
        ("werkdruk", "werkdruk"),
        ("wachtlijst", "wachtlijst_team"),
    ]),
    ("single", [
        ("Vacatures zijn moeilijk te vullen, vooral voor jeugd.", "personeelstekort"),
    ]),
    ("single", [
        ("Registratie en verantwoording kosten veel tijd.", "administratieve_lasten"),
    ]),
    ("single", [
        ("Samenwerking met Veilig Thuis en de jeugdbescherming kan beter.", "verkokerd_zorglandschap"),
    ]),
    ("num", [
        ("Zwaardere problematiek", "complexe_hulpvragen"),
        ("GGZ-expertise", "ggz_expertise"),
    ]),
    ("single", [
        ("Werkdruk is hoog, waardoor er weinig ruimte is voor outreachend werken.",
         "werkdruk onvoldoende_preventie"),
    ]),
    ("single", [("Personeelstekort", "personeelstekort")]),
    ("single", [
        ("Wachtlijsten bij aanbieders maken dat wij moeten overbruggen.", "wachtlijst_aanbieders"),
    ]),
    ("single", [
        ("Onduidelijk wat wel en niet bij het wijkteam hoort.", "afbakening"),
    ]),
    ("bullet", [
        ("Werkdruk", "werkdruk"),
        ("Samenwerking", "verkokerd_zorglandschap"),
    ]),
    ("single", [
        ("Steeds meer inwoners met psychische problemen, daar is het team niet op toegerust.",
         "complexe_hulpvragen ggz_expertise"),
    ]),
    ("single", [("Wachtlijsten", "wachtlijst_team")]),
    ("single", [
        ("De werkdruk en het verloop zijn hoog.", "werkdruk personeelstekort"),
    ]),
    ("single", [
        ("Budget voor het wijkteam staat onder druk.", "financien"),
    ]),
    ("single", [
        ("Zwaardere en complexere vragen dan bij de start in 2015.", "complexe_hulpvragen"),
    ]),
    ("nl", [
        ("Samenwerking met zorgaanbieders", "verkokerd_zorglandschap"),
        ("Wachtlijsten", "wachtlijst_aanbieders"),
    ]),
    ("single", [
        ("Weinig tijd voor collectieve activiteiten en preventie.", "onvoldoende_preventie"),
    ]),
    ("single", [
        ("Geen GGZ-deskundige meer in het team sinds de bezuiniging.", "ggz_expertise financien"),
    ]),
    ("single", [("Hoge werkdruk", "werkdruk")]),
    ("single", [
        ("Personeelstekort, met name gedragswetenschappers.", "personeelstekort"),
    ]),
    ("single", [
        ("Aansluiting met de specialistische zorg is onvoldoende.", "aansluiting_tweedelijn"),
    ]),
]
