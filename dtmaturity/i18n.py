"""UI strings in Norwegian bokmål (default) and English."""

from __future__ import annotations

LANGUAGES = {"nb": "Norsk bokmål", "en": "English"}
DEFAULT_LANGUAGE = "nb"

STRINGS: dict[str, dict[str, str]] = {
    # app shell
    "app_title": {"nb": "Digital modenhet", "en": "Digital maturity"},
    "language": {"nb": "Språk / Language", "en": "Språk / Language"},
    "local_mode": {
        "nb": "Lokal modus: ingen innlogging er satt opp. Du bruker appen som «{user}».",
        "en": "Local mode: no sign-in is configured. You are using the app as “{user}”.",
    },
    "page_home": {"nb": "Start", "en": "Start"},
    "page_checkin": {"nb": "Kvartalsvis egenvurdering", "en": "Quarterly check-in"},
    "page_unit": {"nb": "Enhet over tid", "en": "Unit over time"},
    "page_about": {"nb": "Om modellen", "en": "About the model"},
    "page_accessibility": {
        "nb": "Tilgjengelighetserklæring",
        "en": "Accessibility statement",
    },
    "framework_broken": {
        "nb": "Rammeverksfilen er ugyldig, og appen kan ikke starte.",
        "en": "The framework file is invalid, so the app cannot start.",
    },
    # home
    "home_intro": {
        "nb": "Her følger virksomheten sin modenhet i digital transformasjon over tid, bygget på "
        "Digdirs kompetansemodell, nivå 2 «Ledelse av digital transformasjon». Ledere gjør en "
        "kvartalsvis egenvurdering for sin enhet; ledelsen ser utviklingen per enhet.",
        "en": "Here an organisation tracks its digital-transformation maturity over time, built "
        "on Digdir's competence model, level 2 “Leading digital transformation”. Leaders do a "
        "quarterly check-in for their unit; management sees how each unit develops.",
    },
    "home_counts": {
        "nb": "{units} enheter, {checkins} egenvurderinger, {answers} svar.",
        "en": "{units} units, {checkins} check-ins, {answers} answers.",
    },
    "home_empty": {
        "nb": "Databasen er tom. Opprett en fiktiv demovirksomhet for å prøve appen.",
        "en": "The database is empty. Create a fictional demo organisation to try the app.",
    },
    "demo_create": {"nb": "Opprett demovirksomhet", "en": "Create demo organisation"},
    "demo_created": {
        "nb": "Demovirksomheten er opprettet: {units} enheter og {checkins} egenvurderinger.",
        "en": "The demo organisation was created: {units} units and {checkins} check-ins.",
    },
    "demo_present": {
        "nb": "Databasen inneholder demodata (fiktiv virksomhet). De kan fjernes igjen.",
        "en": "The database holds demo data (a fictional organisation). It can be removed.",
    },
    "demo_remove": {"nb": "Fjern demodata", "en": "Remove demo data"},
    "demo_removed": {"nb": "Demodata er fjernet.", "en": "The demo data was removed."},
    "home_next": {
        "nb": "Gå til **Kvartalsvis egenvurdering** for å svare, eller **Enhet over tid** for å "
        "se utviklingen.",
        "en": "Go to **Quarterly check-in** to answer, or **Unit over time** to see the trend.",
    },
    # check-in
    "unit": {"nb": "Enhet", "en": "Unit"},
    "period": {"nb": "Kvartal", "en": "Quarter"},
    "no_units": {
        "nb": "Det finnes ingen enheter ennå. Opprett demovirksomheten på startsiden.",
        "en": "There are no units yet. Create the demo organisation on the start page.",
    },
    "checkin_intro": {
        "nb": "Vurder enheten din på hvert tema og hver lederkompetanse (1–5). Nivåbeskrivelsen "
        "står under hvert valg. Kommentarer og refleksjoner er frivillige.",
        "en": "Rate your unit on every theme and leadership competency (1–5). Each level's "
        "description is shown under the option. Comments and reflections are optional.",
    },
    "checkin_editing": {
        "nb": "Du redigerer egenvurderingen din for {period} (sist lagret {saved}).",
        "en": "You are editing your check-in for {period} (last saved {saved}).",
    },
    "checkin_new": {
        "nb": "Ny egenvurdering for {period}.",
        "en": "New check-in for {period}.",
    },
    "themes_heading": {
        "nb": "Transformasjonshjulet: modenhet i enheten",
        "en": "The transformation wheel: unit maturity",
    },
    "competencies_heading": {
        "nb": "De syv lederkompetansene: ledergruppens styrke",
        "en": "The seven leadership competencies: the leader group's strength",
    },
    "roles_heading": {"nb": "Lederroller", "en": "Leader roles"},
    "reflections_heading": {"nb": "Refleksjon", "en": "Reflection"},
    "score_label": {"nb": "{item}: velg nivå", "en": "{item}: choose a level"},
    "comment_label": {
        "nb": "Kommentar eller eksempel til «{item}» (frivillig)",
        "en": "Comment or example for “{item}” (optional)",
    },
    "previous_heading": {"nb": "Forrige gang ({period})", "en": "Last time ({period})"},
    "previous_none": {"nb": "Ingen tidligere svar.", "en": "No earlier answer."},
    "previous_score": {"nb": "Nivå {score}: {label}", "en": "Level {score}: {label}"},
    "previous_roles": {"nb": "Forrige gang: {roles}", "en": "Last time: {roles}"},
    "role_kind_most": {"nb": "Tar oftest", "en": "Take most often"},
    "role_kind_want": {"nb": "Vil ta", "en": "Want to take"},
    "role_kind_more": {"nb": "Burde ta oftere", "en": "Should take more often"},
    "roles_label_most": {
        "nb": "Hvilke roller tar jeg oftest? (inntil {max})",
        "en": "Which roles do I take most often? (up to {max})",
    },
    "roles_label_want": {
        "nb": "Hvilke roller vil jeg ta? (inntil {max})",
        "en": "Which roles do I want to take? (up to {max})",
    },
    "roles_label_more": {
        "nb": "Hvilke roller burde jeg ta oftere? (inntil {max})",
        "en": "Which roles should I take more often? (up to {max})",
    },
    "roles_label": {"nb": "{question} (inntil {max})", "en": "{question} (up to {max})"},
    "roles_placeholder": {"nb": "Velg roller", "en": "Choose roles"},
    "roles_working_set": {
        "nb": "Rollenavnene er prosjektets eget arbeidssett; kildens navn på de ni rollene var "
        "ikke tilgjengelige.",
        "en": "The role names are the project's own working set; the source's names for the "
        "nine roles were not available.",
    },
    "reflection_label": {"nb": "{question}", "en": "{question}"},
    "submit": {"nb": "Lagre egenvurderingen", "en": "Save the check-in"},
    "saved_new": {
        "nb": "Egenvurderingen for {period} er lagret.",
        "en": "The check-in for {period} was saved.",
    },
    "saved_updated": {
        "nb": "Egenvurderingen for {period} er oppdatert.",
        "en": "The check-in for {period} was updated.",
    },
    "form_has_errors": {
        "nb": "Egenvurderingen er ikke lagret: {count} felt må rettes (se meldingene ved feltene). "
        "Det du har skrevet, er beholdt.",
        "en": "The check-in was not saved: {count} fields need attention (see the messages next "
        "to them). What you typed has been kept.",
    },
    # validation messages
    "error_unknown_unit": {"nb": "Ukjent enhet: {value}.", "en": "Unknown unit: {value}."},
    "error_bad_period": {
        "nb": "«{value}» er ikke et kvartal som 2026-Q3.",
        "en": "“{value}” is not a quarter like 2026-Q3.",
    },
    "error_future_period": {
        "nb": "{value} har ikke begynt ennå; velg inneværende eller et tidligere kvartal.",
        "en": "{value} has not started yet; choose the current or an earlier quarter.",
    },
    "error_missing_respondent": {
        "nb": "Hvem som svarer, mangler.",
        "en": "The respondent is missing.",
    },
    "error_score_missing": {"nb": "Velg et nivå fra 1 til 5.", "en": "Choose a level from 1 to 5."},
    "error_score_range": {
        "nb": "{value} er ikke et helt tall fra {min} til {max}.",
        "en": "{value} is not a whole number from {min} to {max}.",
    },
    "error_unknown_item": {"nb": "Ukjent element: {value}.", "en": "Unknown item: {value}."},
    "error_too_long": {
        "nb": "Teksten er {length} tegn; største tillatte lengde er {max}.",
        "en": "The text is {length} characters; the most allowed is {max}.",
    },
    "error_unknown_role_kind": {
        "nb": "Ukjent rollevalg: {value}.",
        "en": "Unknown role pick: {value}.",
    },
    "error_unknown_role": {"nb": "Ukjent rolle: {value}.", "en": "Unknown role: {value}."},
    "error_too_many_roles": {
        "nb": "Du har valgt {count} roller; velg høyst {max}.",
        "en": "You chose {count} roles; choose at most {max}.",
    },
    "error_unknown_question": {
        "nb": "Ukjent spørsmål: {value}.",
        "en": "Unknown question: {value}.",
    },
    # unit page
    "unit_intro": {
        "nb": "Utviklingen for enheten og alle enheter under den: gjennomsnitt over alle svar, "
        "med antall svar (n) i verktøytipset og i tabellen.",
        "en": "How the unit and every unit below it develop: the mean over all answers, with the "
        "number of answers (n) in the tooltip and in the table.",
    },
    "no_data": {
        "nb": "Ingen egenvurderinger for denne enheten ennå.",
        "en": "No check-ins for this unit yet.",
    },
    "trend_title": {"nb": "Modenhet per tema over tid", "en": "Maturity per theme over time"},
    "trend_summary": {
        "nb": "{periods} kvartaler fra {first} til {last}. Siste kvartal: høyest «{best}» "
        "({best_mean:.2f}), lavest «{worst}» ({worst_mean:.2f}).",
        "en": "{periods} quarters from {first} to {last}. Latest quarter: highest “{best}” "
        "({best_mean:.2f}), lowest “{worst}” ({worst_mean:.2f}).",
    },
    "profile_title": {
        "nb": "Lederkompetanser: {latest} mot {previous}",
        "en": "Leadership competencies: {latest} against {previous}",
    },
    "profile_title_single": {
        "nb": "Lederkompetanser: {latest}",
        "en": "Leadership competencies: {latest}",
    },
    "roles_title": {"nb": "Lederroller i {period}", "en": "Leader roles in {period}"},
    "roles_period": {"nb": "Kvartal for rollene", "en": "Quarter for the roles"},
    "roles_empty": {
        "nb": "Ingen rollevalg i dette kvartalet.",
        "en": "No role picks in this quarter.",
    },
    "reflections_title": {"nb": "Refleksjoner over tid", "en": "Reflections over time"},
    "reflections_filter": {"nb": "Vis spørsmål", "en": "Show question"},
    "reflections_all": {"nb": "Alle spørsmål", "en": "All questions"},
    "reflections_empty": {"nb": "Ingen refleksjoner ennå.", "en": "No reflections yet."},
    "questions_beside": {"nb": "Spørsmål til refleksjon", "en": "Questions for reflection"},
    "show_table": {"nb": "Vis tallene som tabell", "en": "Show the figures as a table"},
    "chart_period": {"nb": "Kvartal", "en": "Quarter"},
    "chart_mean": {"nb": "Gjennomsnitt (1–5)", "en": "Mean (1–5)"},
    "chart_n": {"nb": "Antall svar (n)", "en": "Number of answers (n)"},
    "chart_item": {"nb": "Element", "en": "Item"},
    "chart_role": {"nb": "Rolle", "en": "Role"},
    "chart_kind": {"nb": "Valg", "en": "Pick"},
    "chart_count": {"nb": "Antall ledere", "en": "Number of leaders"},
    "col_question": {"nb": "Spørsmål", "en": "Question"},
    "col_answer": {"nb": "Svar", "en": "Answer"},
    # accessibility statement
    "a11y_intro": {
        "nb": "Offentlige virksomheter skal følge kravene til universell utforming av IKT, som "
        "for nettløsninger er WCAG 2.1 nivå AA. Her står hva som er testet i denne appen, og hva "
        "vi vet at ikke er godt nok ennå.",
        "en": "Public bodies in Norway must meet the regulations on universal design of ICT, "
        "which for web solutions means WCAG 2.1 level AA. This page says what is tested in this "
        "app and what we know still falls short.",
    },
    "a11y_status": {
        "nb": "Status: delvis i samsvar med WCAG 2.1 AA. Manglene står nedenfor.",
        "en": "Status: partially compliant with WCAG 2.1 AA. The shortcomings are listed below.",
    },
    "a11y_tested_heading": {"nb": "Hva som er testet", "en": "What is tested"},
    "a11y_tested": {
        "nb": "Testene kjører automatisk ved hver endring av appen, i nettleseren Chromium:\n"
        "- **Automatisk kontroll:** verktøyet axe-core sjekker hver side på bokmål og engelsk, "
        "også med tabellene bak grafene åpne og med feilmeldinger i skjemaet. Ingen brudd med "
        "alvorlighetsgrad «serious» eller «critical» er tillatt.\n"
        "- **Bare tastatur:** en test fyller ut og lagrer egenvurderingen med Tab, piltaster, "
        "mellomrom og Enter.\n"
        "- **Ledetekster:** hvert felt har en synlig ledetekst, og en feilmelding står ved feltet "
        "den gjelder og sier hva som er galt.\n"
        "- **Grafer:** hver graf har tittel, et kort sammendrag i tekst og tallene som tabell "
        "ett klikk unna. Seriene skilles med form og linjetype i tillegg til farge, i en "
        "fargeblindvennlig palett (Okabe-Ito).\n"
        "- **Kontrast:** tekst, også hjelpetekst og tekst i grafene, har minst 4,5:1 kontrast.\n"
        "- **Språk:** sidens språk er oppgitt for skjermlesere, og språkvalget endrer alle "
        "ledetekster.",
        "en": "The tests run automatically on every change to the app, in the Chromium "
        "browser:\n"
        "- **Automated check:** the axe-core tool checks every page in bokmål and English, also "
        "with the tables behind the charts open and with error messages in the form. No "
        "violation of impact “serious” or “critical” is allowed.\n"
        "- **Keyboard only:** a test fills in and saves the check-in with Tab, the arrow keys, "
        "Space and Enter.\n"
        "- **Labels:** every input has a visible label, and an error message stands next to the "
        "field it concerns and says what is wrong.\n"
        "- **Charts:** every chart has a title, a short text summary and its figures as a table "
        "one click away. Series differ by shape and line dash as well as colour, in a "
        "colour-blind-safe palette (Okabe-Ito).\n"
        "- **Contrast:** text, including help text and text in charts, has at least 4.5:1 "
        "contrast.\n"
        "- **Language:** the page's language is declared for screen readers, and the language "
        "switch changes every label.",
    },
    "a11y_gaps_heading": {"nb": "Kjente mangler", "en": "Known shortcomings"},
    "a11y_gaps": {
        "nb": "- Noen tekster i Streamlit, rammeverket appen er bygget med, er alltid på engelsk "
        "og kan ikke oversettes av appen, for eksempel lenken «Skip to main content» og "
        "skjermlesertekster som «Open» og «Main menu».\n"
        "- To av fargene i grafene (oransje og himmelblå) har under 3:1 kontrast mot hvit "
        "bakgrunn. Seriene skilles derfor også med form og linjetype, og tallene står i "
        "tabellen under grafen.\n"
        "- Kilde og status for hvert element i modellen (under «Om modellen») er bare skrevet "
        "på engelsk i rammeverksfilen.\n"
        "- Automatiske tester finner bare en del av mulige problemer. Appen er ennå ikke "
        "testet av brukere med skjermleser, forstørrelse eller annen hjelpemiddelteknologi.",
        "en": "- Some texts of Streamlit, the framework the app is built with, are always in "
        "English and cannot be translated by the app, for example the “Skip to main content” "
        "link and screen-reader texts such as “Open” and “Main menu”.\n"
        "- Two of the chart colours (orange and sky blue) have less than 3:1 contrast against "
        "the white background. Series therefore also differ by shape and line dash, and the "
        "figures are in the table below each chart.\n"
        "- The source and status of each item of the model (under “About the model”) are "
        "written in English only in the framework file.\n"
        "- Automated tests find only some of the possible problems. The app has not yet been "
        "tested by users of screen readers, magnifiers or other assistive technology.",
    },
    "a11y_feedback_heading": {"nb": "Tilbakemelding og tilsyn", "en": "Feedback and oversight"},
    "a11y_feedback": {
        "nb": "Virksomheten som bruker appen, skal publisere sin egen tilgjengelighetserklæring "
        "i uustatus.no og oppgi hvor brukere kan melde fra om feil. Feil i selve appen kan "
        "meldes til prosjektet som en sak i kodelageret. Tilsynet for universell utforming av "
        "ikt (Uutilsynet) fører tilsyn med kravene.",
        "en": "The organisation that runs the app must publish its own accessibility statement "
        "in uustatus.no and say where users can report problems. Problems in the app itself "
        "can be reported to the project as an issue in its repository. The Norwegian "
        "Authority for Universal Design of ICT (Uutilsynet) oversees the requirements.",
    },
    # about
    "about_wheel": {
        "nb": "Det digitale transformasjonshjulet",
        "en": "The digital transformation wheel",
    },
    "about_competencies": {"nb": "Syv lederkompetanser", "en": "Seven leadership competencies"},
    "about_roles": {"nb": "Ni lederroller", "en": "Nine leader roles"},
    "about_scales": {"nb": "Skalaene", "en": "The scales"},
    "about_source": {"nb": "Kilde: {source}", "en": "Source: {source}"},
    "about_status": {"nb": "Status: {status}", "en": "Status: {status}"},
    "about_version": {
        "nb": "Rammeverk «{id}», versjon {version} (fil: {path}).",
        "en": "Framework “{id}”, version {version} (file: {path}).",
    },
    "about_adapt_heading": {"nb": "Tilpass rammeverket", "en": "Adapt the framework"},
    "about_adapt": {
        "nb": "Modellen er data, ikke kode. Rediger `data/framework.toml` (eller pek "
        "`DTMATURITY_FRAMEWORK` til en egen fil) for å endre navn, beskrivelser, spørsmål eller "
        "skalaer. Behold id-ene for elementer som skal sammenlignes over tid, og øk `version` når "
        "du endrer noe. Filen kontrolleres ved oppstart; en feil stopper appen med en melding "
        "om hvilken oppføring som er feil. Hver egenvurdering lagrer versjonen den ble gjort "
        "med, så gamle svar blir aldri skrevet om.",
        "en": "The model is data, not code. Edit `data/framework.toml` (or point "
        "`DTMATURITY_FRAMEWORK` at a file of your own) to change names, descriptions, questions "
        "or scales. Keep the ids of items you want to compare over time, and raise `version` "
        "when you change anything. The file is checked at start-up; a mistake stops the app "
        "with a message naming the entry. Every check-in stores the version it was made with, "
        "so old answers are never rewritten.",
    },
}


def t(lang: str, key: str, **params: object) -> str:
    """The text for `key` in `lang` (falling back to bokmål), with `params` filled in."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**params) if params else text
