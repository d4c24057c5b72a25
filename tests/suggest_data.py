"""Small inline fixtures for the suggest tests: a Q60-like codebook and Dutch answers."""

from __future__ import annotations

from textanalysis.codebook import Codebook

CODEBOOK = {
    "name": "knelpunten-test",
    "version": "1",
    "codes": [
        {
            "id": "wachtlijsten",
            "label": "Wachtlijsten",
            "description": "Wachtlijsten en lange wachttijden bij het team of bij aanbieders.",
            "keywords": ["wachtlijst", "wachttijd", "lang wachten"],
            "examples": [
                "Lange wachtlijsten bij de jeugdhulp",
                "Cliënten moeten lang wachten op hulp",
            ],
        },
        {
            "id": "werkdruk",
            "label": "Hoge werkdruk",
            "description": "De medewerkers ervaren een hoge werkdruk en te veel caseload.",
            "keywords": ["werkdruk", "caseload", "overbelast"],
            "examples": ["De werkdruk is erg hoog", "Te hoge caseload per medewerker"],
        },
        {
            "id": "personeel",
            "label": "Personeelstekort",
            "description": "Moeilijk om personeel te vinden, vacatures en verloop.",
            "keywords": ["personeelstekort", "vacature", "verloop"],
            "patterns": [{"regex": r"te weinig (?:mensen|personeel|medewerkers)"}],
            "examples": ["Vacatures blijven lang openstaan", "Er is veel verloop in het team"],
        },
        {
            "id": "administratie",
            "label": "Administratieve lasten",
            "description": "Veel administratie, registratie en verantwoording.",
            "keywords": ["administratie", "registratie", "bureaucratie"],
            "examples": ["Te veel administratie", "De registratielast is hoog"],
            "counter_examples": ["Goede registratie van cliëntgegevens helpt ons"],
        },
        {
            "id": "financien",
            "label": "Financiën",
            "description": "Budget, bezuinigingen en tekorten op de begroting.",
            "keywords": ["budget", "bezuiniging", "financiën", "geld"],
            "examples": ["Bezuinigingen op het sociaal domein", "Het budget is niet toereikend"],
        },
        {
            "id": "samenwerking",
            "label": "Samenwerking",
            "description": "Onvoldoende samenwerking met partners, verkokering.",
            "keywords": ["samenwerking", "verkokering", "afstemming"],
            "examples": [
                "De samenwerking met de huisarts loopt stroef",
                "Verkokering tussen organisaties",
            ],
            "children": [
                {
                    "id": "samenwerking_ggz",
                    "label": "Aansluiting tweedelijnszorg en GGZ",
                    "description": "De aansluiting met de GGZ en specialistische zorg is lastig.",
                    "keywords": ["ggz", "tweedelijnszorg", "specialistische zorg"],
                    "examples": ["Aansluiting met de GGZ is moeizaam"],
                }
            ],
        },
    ],
}

# (text, codes): a small hand-coded set with the variety real answers have.
ANSWERS: list[tuple[str, set[str]]] = [
    ("Wachtlijsten bij het team", {"wachtlijsten"}),
    ("Lange wachttijden bij aanbieders van jeugdhulp", {"wachtlijsten"}),
    ("Inwoners moeten te lang wachten", {"wachtlijsten"}),
    ("De wachtlijst voor de GGZ is enorm", {"wachtlijsten", "samenwerking_ggz"}),
    ("Hoge werkdruk bij de medewerkers", {"werkdruk"}),
    ("Werkdruk en caseload zijn te hoog", {"werkdruk"}),
    ("Collega's zijn overbelast", {"werkdruk"}),
    ("Te veel werk voor te weinig mensen", {"werkdruk", "personeel"}),
    ("Vacatures zijn moeilijk te vervullen", {"personeel"}),
    ("Veel verloop en personeelstekort", {"personeel"}),
    ("Krapte op de arbeidsmarkt, we vinden geen mensen", {"personeel"}),
    ("Veel administratie en verantwoording", {"administratie"}),
    ("Registratie kost te veel tijd", {"administratie"}),
    ("Bureaucratie rond de beschikkingen", {"administratie"}),
    ("Bezuinigingen op het sociaal domein", {"financien"}),
    ("Het budget voor jeugdzorg is overschreden", {"financien"}),
    ("Geldgebrek bij de gemeente", {"financien"}),
    ("Samenwerking met de huisartsen kan beter", {"samenwerking"}),
    ("Verkokering tussen de organisaties", {"samenwerking"}),
    ("Afstemming met partners in de wijk loopt moeizaam", {"samenwerking"}),
    ("Aansluiting met de tweedelijnszorg", {"samenwerking_ggz"}),
    ("Toegang tot specialistische GGZ is lastig", {"samenwerking_ggz"}),
    ("Er zijn geen wachtlijsten meer, wel veel administratie", {"administratie"}),
    ("Niet zozeer de werkdruk maar het personeelstekort", {"personeel"}),
    ("Weet ik niet", set()),
]


def codebook() -> Codebook:
    return Codebook.model_validate(CODEBOOK)


def texts() -> list[str]:
    return [t for t, _ in ANSWERS]


def labels() -> list[set[str]]:
    return [set(c) for _, c in ANSWERS]
