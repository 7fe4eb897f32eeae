"""UI strings in Norwegian bokmål (default) and English."""

from __future__ import annotations

from dtmaturity.i18n_plans import PLAN_STRINGS

LANGUAGES = {"nb": "Norsk bokmål", "en": "English"}
DEFAULT_LANGUAGE = "nb"

STRINGS: dict[str, dict[str, str]] = {
    # app shell
    "app_title": {"nb": "Digital modenhet", "en": "Digital maturity"},
    "language": {"nb": "Språk / Language", "en": "Språk / Language"},
    "local_mode": {
        "nb": "Lokal modus: ingen innlogging er satt opp.",
        "en": "Local mode: no sign-in is configured.",
    },
    "acting_as": {
        "nb": "Du bruker appen som «{user}».",
        "en": "You are using the app as “{user}”.",
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
    # sign-in, access and data protection
    "access_denied": {
        "nb": "Du har ikke tilgang til dette.",
        "en": "You do not have access to this.",
    },
    "access_dashboard": {
        "nb": "Du har ikke tilgang til tallene for enheten «{unit}».",
        "en": "You do not have access to the figures of the unit “{unit}”.",
    },
    "access_overview": {
        "nb": "Oversikten over «{unit}» krever rollen ledelse (manager) for enheten.",
        "en": "The overview of “{unit}” needs the manager role for the unit.",
    },
    "access_checkin": {
        "nb": "Du kan bare gjøre egenvurderinger for enheter du leder («{unit}» er ikke en av dem).",
        "en": "You can only check in for units you lead (“{unit}” is not one of them).",
    },
    "access_coordinate": {
        "nb": "Import og register krever rollen koordinator for enheten (eller administrator).",
        "en": "Imports and the registry need the coordinator role for the unit (or admin).",
    },
    "access_admin": {
        "nb": "Dette krever rollen administrator.",
        "en": "This needs the admin role.",
    },
    "access_person": {
        "nb": "Du kan bare hente ut dine egne data.",
        "en": "You can only download your own data.",
    },
    "access_grant": {
        "nb": "Du kan ikke gi rollen {role} på «{unit}».",
        "en": "You cannot grant the role {role} on “{unit}”.",
    },
    "access_undo": {
        "nb": "Import {id} er gjort av en annen; bare den som importerte eller en administrator kan angre den.",
        "en": "Import {id} was made by someone else; only who imported it or an admin can undo it.",
    },
    "no_units_for_you": {
        "nb": "Du har ingen enheter her med rollene dine.",
        "en": "You have no units here with your roles.",
    },
    "signin_title": {"nb": "Logg inn", "en": "Sign in"},
    "signin_text": {
        "nb": "Logg inn med virksomhetens innlogging for å gjøre egenvurderinger og se tallene "
        "du har tilgang til.",
        "en": "Sign in with your organisation's account to check in and see the figures you "
        "have access to.",
    },
    "signin_button": {"nb": "Logg inn", "en": "Sign in"},
    "signout_button": {"nb": "Logg ut", "en": "Sign out"},
    "signed_in_as": {"nb": "Innlogget som {name}.", "en": "Signed in as {name}."},
    "unknown_person_title": {"nb": "Du har ikke tilgang ennå", "en": "You do not have access yet"},
    "unknown_person_who": {
        "nb": "Du er logget inn som {who}.",
        "en": "You are signed in as {who}.",
    },
    "unknown_person_text": {
        "nb": "Du er ikke registrert i appen. Be koordinatoren i virksomheten om tilgang.",
        "en": "You are not registered in the app. Ask your coordinator for access.",
    },
    "production_local_mode": {
        "nb": "Appen er satt opp som produksjon (DTMATURITY_ENV=production), men innlogging er "
        "ikke konfigurert ([auth] i .streamlit/secrets.toml). Den starter ikke i lokal modus.",
        "en": "The app is configured as production (DTMATURITY_ENV=production), but sign-in is "
        "not configured ([auth] in .streamlit/secrets.toml). It will not start in local mode.",
    },
    "error_period_locked": {
        "nb": "{value} er låst; egenvurderinger kan ikke lenger endres.",
        "en": "{value} is locked; check-ins can no longer be changed.",
    },
    "import_unit_not_allowed": {
        "nb": "Enheten er utenfor området du er koordinator for.",
        "en": "The unit is outside the area you coordinate.",
    },
    "import_period_locked": {
        "nb": "Kvartalet er låst.",
        "en": "The quarter is locked.",
    },
    "people_missing_column": {"nb": "Kolonnen mangler.", "en": "The column is missing."},
    "people_bad_email": {"nb": "Ikke en e-postadresse.", "en": "Not an e-mail address."},
    "people_missing_identity": {
        "nb": "E-post eller sub må fylles ut.",
        "en": "E-mail or sub must be given.",
    },
    "people_bad_role": {
        "nb": "Rollen må være leader, manager, coordinator eller admin.",
        "en": "The role must be leader, manager, coordinator or admin.",
    },
    "people_not_allowed": {
        "nb": "Du kan ikke gi denne rollen på denne enheten.",
        "en": "You cannot grant this role on this unit.",
    },
    "page_admin": {"nb": "Administrasjon", "en": "Administration"},
    "page_mydata": {"nb": "Mine data", "en": "My data"},
    "every_unit": {"nb": "Alle enheter (*)", "en": "Every unit (*)"},
    "role_leader": {"nb": "Leder", "en": "Leader"},
    "role_manager": {"nb": "Ledelse (manager)", "en": "Manager"},
    "role_coordinator": {"nb": "Koordinator", "en": "Coordinator"},
    "role_admin": {"nb": "Administrator", "en": "Admin"},
    "col_person": {"nb": "Person", "en": "Person"},
    "col_name": {"nb": "Navn", "en": "Name"},
    "col_role": {"nb": "Rolle", "en": "Role"},
    "col_action": {"nb": "Handling", "en": "Action"},
    "col_target": {"nb": "Gjelder", "en": "Target"},
    "col_details": {"nb": "Detaljer (id-er og antall)", "en": "Details (ids and counts)"},
    "admin_people": {"nb": "Personer og roller", "en": "People and roles"},
    "admin_grant": {"nb": "Gi en rolle", "en": "Grant a role"},
    "admin_person_field": {
        "nb": "E-post (eller sub fra innloggingen)",
        "en": "E-mail (or sub from the sign-in)",
    },
    "admin_grant_button": {"nb": "Gi rollen", "en": "Grant the role"},
    "admin_granted": {"nb": "{person} har fått rollen.", "en": "{person} was granted the role."},
    "admin_already": {
        "nb": "{person} hadde rollen fra før.",
        "en": "{person} already held the role.",
    },
    "admin_revoke_choose": {"nb": "Rolle som skal fjernes", "en": "Role to remove"},
    "admin_revoke_button": {"nb": "Fjern rollen", "en": "Remove the role"},
    "admin_revoked": {
        "nb": "Rollen er fjernet fra {person}.",
        "en": "The role was removed from {person}.",
    },
    "admin_people_upload": {"nb": "Last opp personer (CSV)", "en": "Upload people (CSV)"},
    "admin_people_format": {
        "nb": "Kolonner: email, name, role, unit_id (eller e-post, navn, rolle, enhet), valgfritt "
        "sub. Én rad per rolle; rolle er leader, manager, coordinator eller admin.",
        "en": "Columns: email, name, role, unit_id (or e-post, navn, rolle, enhet), optionally "
        "sub. One row per role; role is leader, manager, coordinator or admin.",
    },
    "admin_people_imported": {
        "nb": "{rows} rader lest, {new} nye roller.",
        "en": "{rows} rows read, {new} new roles.",
    },
    "admin_periods": {"nb": "Låste kvartaler", "en": "Locked quarters"},
    "admin_locked": {"nb": "Låst nå: {periods}", "en": "Locked now: {periods}"},
    "admin_lock": {"nb": "Lås kvartalet", "en": "Lock the quarter"},
    "admin_unlock": {"nb": "Åpne kvartalet", "en": "Open the quarter"},
    "admin_retention": {"nb": "Lagringstid", "en": "Retention"},
    "admin_retention_help": {
        "nb": "Egenvurderinger eldre enn så mange kvartaler (medregnet inneværende) slettes. "
        "Prøv først uten å slette.",
        "en": "Check-ins older than this many quarters (counting the current one) are deleted. "
        "Try it first without deleting.",
    },
    "admin_retention_quarters": {"nb": "Behold antall kvartaler", "en": "Quarters to keep"},
    "admin_retention_dry_run": {
        "nb": "Vis hva som ville blitt slettet",
        "en": "Show what would be deleted",
    },
    "admin_retention_purge": {"nb": "Slett eldre egenvurderinger", "en": "Delete older check-ins"},
    "admin_retention_would": {
        "nb": "Før {before}: {checkins} egenvurderinger og {answers} svar ville blitt slettet.",
        "en": "Before {before}: {checkins} check-ins and {answers} answers would be deleted.",
    },
    "admin_retention_done": {
        "nb": "Før {before}: {checkins} egenvurderinger og {answers} svar er slettet.",
        "en": "Before {before}: {checkins} check-ins and {answers} answers were deleted.",
    },
    "admin_erase": {"nb": "Slett en person", "en": "Erase a person"},
    "admin_erase_help": {
        "nb": "Kommentarer, refleksjoner, roller og personopplysninger slettes. Verdiene beholdes "
        "anonymt, slik at virksomhetens tall ikke endres bakover i tid.",
        "en": "Comments, reflections, roles and personal details are deleted. Scores are kept "
        "anonymously, so the organisation's figures do not change back in time.",
    },
    "admin_erase_confirm": {
        "nb": "Jeg forstår at dette ikke kan angres",
        "en": "I understand that this cannot be undone",
    },
    "admin_erase_button": {"nb": "Slett personen", "en": "Erase the person"},
    "admin_erased": {
        "nb": "Slettet: {reflections_deleted} refleksjoner, {comments_deleted} kommentarer, "
        "{assignments_deleted} roller; anonymisert: {answers_anonymised} svar.",
        "en": "Erased: {reflections_deleted} reflections, {comments_deleted} comments, "
        "{assignments_deleted} roles; anonymised: {answers_anonymised} answers.",
    },
    "admin_audit": {"nb": "Revisjonslogg", "en": "Audit log"},
    "mydata_intro": {
        "nb": "Her kan du laste ned alt appen lagrer om deg: egenvurderinger, "
        "kommentarer, refleksjoner, rollevalg, rollene dine og handlingene dine i "
        "revisjonsloggen, som JSON og CSV i én ZIP-fil.",
        "en": "Here you can download everything the app stores about you: check-ins, "
        "comments, reflections, role picks, your roles and your actions in the audit log, as "
        "JSON and CSV in one ZIP file.",
    },
    "mydata_person": {
        "nb": "Du er registrert som {person}.",
        "en": "You are registered as {person}.",
    },
    "mydata_download": {"nb": "Last ned mine data", "en": "Download my data"},
    "mydata_erasure": {
        "nb": "Vil du at opplysningene om deg skal slettes, kontakt en administrator.",
        "en": "To have your data erased, contact an administrator.",
    },
    # CSV import
    "page_import": {"nb": "Import av CSV", "en": "CSV import"},
    "csv_empty": {"nb": "Filen er tom.", "en": "The file is empty."},
    "csv_binary": {
        "nb": "Filen er ikke en tekstfil (CSV). Lagre den som CSV og prøv igjen.",
        "en": "The file is not a text (CSV) file. Save it as CSV and try again.",
    },
    "csv_is_xlsx": {
        "nb": "Dette er en Excel-arbeidsbok (.xlsx), ikke CSV. Velg «Lagre som» → «CSV (semikolondelt)» "
        "eller «CSV UTF-8» i Excel og last opp den filen.",
        "en": "This is an Excel workbook (.xlsx), not CSV. In Excel choose Save As → “CSV UTF-8” "
        "and upload that file.",
    },
    "csv_is_xls": {
        "nb": "Dette er en gammel Excel-fil (.xls), ikke CSV. Lagre den som CSV og prøv igjen.",
        "en": "This is an old Excel file (.xls), not CSV. Save it as CSV and try again.",
    },
    "csv_no_header": {
        "nb": "Første rad må være en overskriftsrad, men den er tom.",
        "en": "The first row must be a header row, but it is empty.",
    },
    "csv_malformed": {
        "nb": "Filen kan ikke leses som CSV: {detail}",
        "en": "The file cannot be read as CSV: {detail}",
    },
    "import_where_row": {"nb": "rad {row}", "en": "row {row}"},
    "import_where_column": {"nb": "kolonne «{column}»", "en": "column “{column}”"},
    "import_where_value": {"nb": "verdi «{value}»", "en": "value “{value}”"},
    "format_long": {"nb": "langt format", "en": "long format"},
    "format_wide": {"nb": "bredt format", "en": "wide format"},
    "format_units": {"nb": "enhetsfil", "en": "units file"},
    "format_actions": {"nb": "tiltaksfil", "en": "actions file"},
    "import_missing_column": {
        "nb": "Kolonnen {expected} mangler (filen ble lest som {format}).",
        "en": "The column {expected} is missing (the file was read as {format}).",
    },
    "import_unknown_column": {
        "nb": "Ukjent kolonne i {format}: verken id eller navn på et element. Koble den "
        "til et element eller marker at den skal ignoreres.",
        "en": "Unknown column in {format}: neither the id nor the name of an item. Map it "
        "to an item or mark it to be ignored.",
    },
    "import_duplicate_column": {
        "nb": "To kolonner betyr det samme; denne er en kopi.",
        "en": "Two columns mean the same thing; this one is a copy.",
    },
    "import_missing_unit": {"nb": "Enheten mangler.", "en": "The unit is missing."},
    "import_unknown_unit": {
        "nb": "Ukjent enhet: verken id eller navn på en registrert enhet. Importer enheten først.",
        "en": "Unknown unit: neither the id nor the name of a registered unit. Import the unit "
        "first.",
    },
    "import_missing_period": {"nb": "Kvartalet mangler.", "en": "The quarter is missing."},
    "import_bad_period": {
        "nb": "Ikke et kvartal (2026-Q3, 2026Q3, 2026 Q3, Q3 2026) eller en dato (2026-09-15, "
        "15.09.2026).",
        "en": "Not a quarter (2026-Q3, 2026Q3, 2026 Q3, Q3 2026) or a date (2026-09-15, "
        "15.09.2026).",
    },
    "import_missing_respondent": {
        "nb": "Hvem som svarte (respondent), mangler.",
        "en": "Who answered (respondent) is missing.",
    },
    "import_missing_item": {"nb": "Elementet mangler.", "en": "The item is missing."},
    "import_unknown_item": {
        "nb": "Ukjent element: verken id eller navn på et tema eller en lederkompetanse.",
        "en": "Unknown item: neither the id nor the name of a theme or leadership competency.",
    },
    "import_score_not_number": {
        "nb": "Verdien er ikke et tall eller et nivå på skalaen.",
        "en": "The value is not a number or a level of the scale.",
    },
    "import_score_range": {
        "nb": "Verdien må være et helt tall fra {min} til {max}.",
        "en": "The value must be a whole number from {min} to {max}.",
    },
    "import_comment_too_long": {
        "nb": "Kommentaren er {length} tegn; største tillatte lengde er {max}.",
        "en": "The comment is {length} characters; the most allowed is {max}.",
    },
    "import_reflection_too_long": {
        "nb": "Refleksjonen er {length} tegn; største tillatte lengde er {max}.",
        "en": "The reflection is {length} characters; the most allowed is {max}.",
    },
    "import_unknown_role": {"nb": "Ukjent rolle.", "en": "Unknown role."},
    "import_duplicate_key": {
        "nb": "Samme enhet, kvartal, respondent og element ({item}) står også i rad {first_row}.",
        "en": "The same unit, quarter, respondent and item ({item}) is also in row {first_row}.",
    },
    "import_duplicate_checkin": {
        "nb": "Samme enhet, kvartal og respondent står også i rad {first_row}.",
        "en": "The same unit, quarter and respondent is also in row {first_row}.",
    },
    "import_missing_name": {"nb": "Navnet mangler.", "en": "The name is missing."},
    "import_duplicate_unit": {
        "nb": "Samme enhet står også i rad {first_row}.",
        "en": "The same unit is also in row {first_row}.",
    },
    "import_unknown_parent": {
        "nb": "Overordnet enhet finnes verken i filen eller i databasen.",
        "en": "The parent unit is neither in the file nor in the database.",
    },
    "import_cycle": {
        "nb": "Overordnet-kjeden for «{unit}» går i ring.",
        "en": "The parent chain of “{unit}” goes round in a circle.",
    },
    "import_summary": {
        "nb": "{new} nye, {updated} oppdaterte, {unchanged} uendrede svar.",
        "en": "{new} new, {updated} updated, {unchanged} unchanged answers.",
    },
    "import_summary_units": {
        "nb": "{new} nye, {updated} oppdaterte, {unchanged} uendrede enheter.",
        "en": "{new} new, {updated} updated, {unchanged} unchanged units.",
    },
    "target_unit": {"nb": "Enhet", "en": "Unit"},
    "target_period": {"nb": "Kvartal", "en": "Quarter"},
    "target_respondent": {"nb": "Respondent (hvem som svarte)", "en": "Respondent (who answered)"},
    "target_item": {"nb": "Verdi for «{name}»", "en": "Score for “{name}”"},
    "target_comment": {"nb": "Kommentar til «{name}»", "en": "Comment on “{name}”"},
    "target_roles": {"nb": "Roller: {kind}", "en": "Roles: {kind}"},
    "target_reflection": {"nb": "Refleksjon: {question}", "en": "Reflection: {question}"},
    "target_ignore": {"nb": "Ignorer kolonnen", "en": "Ignore the column"},
    "col_row": {"nb": "Rad", "en": "Row"},
    "col_column": {"nb": "Kolonne", "en": "Column"},
    "col_value": {"nb": "Verdi", "en": "Value"},
    "col_problem": {"nb": "Feil", "en": "Problem"},
    "col_new": {"nb": "Nye", "en": "New"},
    "col_updated": {"nb": "Oppdaterte", "en": "Updated"},
    "col_unchanged": {"nb": "Uendrede", "en": "Unchanged"},
    "import_intro": {
        "nb": "Last opp egenvurderinger samlet utenfor appen (spørreskjema, regneark) eller et "
        "enhetsregister. Formatet, tegnsettet og skilletegnet gjenkjennes automatisk. Ingenting "
        "lagres før du trykker «Importer», og hver import kan angres.",
        "en": "Upload check-ins collected outside the app (survey tools, spreadsheets) or a "
        "units register. Format, encoding and delimiter are recognised automatically. Nothing is "
        "stored until you press “Import”, and every import can be undone.",
    },
    "import_limit": {
        "nb": "Største filstørrelse: {mb} MB. Større filer kan importeres med kommandoen "
        "`dtmaturity import`.",
        "en": "Largest file size: {mb} MB. Larger files can be imported with the command "
        "`dtmaturity import`.",
    },
    "import_templates": {
        "nb": "Maler (med eksempelrader) for hvert format; formatene er beskrevet i README.",
        "en": "Templates (with example rows) for each format; the formats are described in the "
        "README.",
    },
    "template_long": {
        "nb": "Mal: langt format (ett svar per rad)",
        "en": "Template: long format (one answer per row)",
    },
    "template_wide": {
        "nb": "Mal: bredt format (én egenvurdering per rad)",
        "en": "Template: wide format (one check-in per row)",
    },
    "template_units": {"nb": "Mal: enheter", "en": "Template: units"},
    "upload_label": {"nb": "CSV-fil", "en": "CSV file"},
    "import_detected": {
        "nb": "«{name}»: {format} ({dialect}), {rows} rader.",
        "en": "“{name}”: {format} ({dialect}), {rows} rows.",
    },
    "mapping_heading": {"nb": "Koble ukjente kolonner", "en": "Map unknown columns"},
    "mapping_help": {
        "nb": "Disse overskriftene er verken id eller navn. Velg hva hver kolonne inneholder. "
        "Koblingen lagres og brukes igjen neste gang en fil har de samme overskriftene.",
        "en": "These headers are neither ids nor names. Choose what each column holds. The "
        "mapping is saved and used again the next time a file has the same headers.",
    },
    "mapping_column": {"nb": "Kolonnen «{header}» inneholder", "en": "The column “{header}” holds"},
    "mapping_choose": {"nb": "Velg …", "en": "Choose …"},
    "mapping_save": {"nb": "Lagre koblingen", "en": "Save the mapping"},
    "mapping_saved": {"nb": "Koblingen er lagret.", "en": "The mapping was saved."},
    "skip_invalid": {
        "nb": "Importer de gyldige radene og hopp over radene med feil",
        "en": "Import the valid rows and skip the rows with problems",
    },
    "preview_heading": {"nb": "Dette blir lagret", "en": "What will be written"},
    "problems_heading": {"nb": "Feil i filen ({count})", "en": "Problems in the file ({count})"},
    "no_problems": {"nb": "Ingen feil funnet.", "en": "No problems found."},
    "problems_file": {"nb": "Feil", "en": "Problems"},
    "import_button": {"nb": "Importer", "en": "Import"},
    "import_blocked": {
        "nb": "Filen har feil. Rett dem og last opp på nytt, eller velg å hoppe over radene med feil.",
        "en": "The file has problems. Fix them and upload it again, or choose to skip the rows "
        "with problems.",
    },
    "import_done": {
        "nb": "Import {id} er lagret: {summary}",
        "en": "Import {id} was written: {summary}",
    },
    "import_log_heading": {"nb": "Tidligere importer", "en": "Earlier imports"},
    "import_log_empty": {"nb": "Ingen importer ennå.", "en": "No imports yet."},
    "undo_choose": {"nb": "Import som skal angres", "en": "Import to undo"},
    "undo_button": {"nb": "Angre importen", "en": "Undo the import"},
    "undo_done": {
        "nb": "Import {id} er angret: {restored} svar tilbakestilt, {removed} fjernet, {kept} "
        "endret senere og beholdt.",
        "en": "Import {id} was undone: {restored} answers restored, {removed} removed, {kept} "
        "changed later and kept.",
    },
    "col_id": {"nb": "Id", "en": "Id"},
    "col_when": {"nb": "Tidspunkt", "en": "When"},
    "col_file": {"nb": "Fil", "en": "File"},
    "col_format": {"nb": "Format", "en": "Format"},
    "col_who": {"nb": "Hvem", "en": "Who"},
    "col_rejected": {"nb": "Avviste rader", "en": "Rejected rows"},
    "col_undone": {"nb": "Angret", "en": "Undone"},
    "undo_unknown": {
        "nb": "Det finnes ingen import med id {id}.",
        "en": "There is no import with id {id}.",
    },
    "undo_already": {
        "nb": "Import {id} er allerede angret.",
        "en": "Import {id} was already undone.",
    },
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
    # privacy, roll-up and exports
    "settings_broken": {
        "nb": "En innstilling for personvern er ugyldig, og appen kan ikke vise tall.",
        "en": "A privacy setting is invalid, so the app cannot show figures.",
    },
    "too_few": {"nb": "for få svar til å vises", "en": "too few answers to show"},
    "too_few_all": {
        "nb": "For få svar til å vises (personvern).",
        "en": "Too few answers to show (privacy).",
    },
    "privacy_note": {
        "nb": "Tall bygget på færre enn {k} svar vises ikke, og refleksjoner vises bare for "
        "kvartaler der minst {r} ledere har svart. Tall som kan regnes ut ved å trekke fra "
        "andre tall, skjules også. Dine egne svar ser du alltid.",
        "en": "Figures built on fewer than {k} answers are not shown, and reflections only for "
        "quarters in which at least {r} leaders checked in. Figures that could be worked out by "
        "subtracting others are hidden too. You always see your own answers.",
    },
    "rollup_note": {
        "nb": "Slik regnes tallene: en enhets tall er gjennomsnittet av alle svar gitt for "
        "enheten og alle enheter under den (ett svar per leder, enhet, kvartal og element). "
        "n er antallet slike svar.",
        "en": "How the figures are computed: a unit's figure is the mean of every answer given "
        "for the unit and every unit below it (one answer per leader, unit, quarter and item). "
        "n is the number of those answers.",
    },
    "download_csv": {"nb": "Last ned CSV", "en": "Download CSV"},
    "download_xlsx": {"nb": "Last ned Excel", "en": "Download Excel"},
    "download_png": {"nb": "Last ned figur (PNG)", "en": "Download chart (PNG)"},
    "download_svg": {"nb": "Last ned figur (SVG)", "en": "Download chart (SVG)"},
    "own_leaders": {"nb": "egne ledere", "en": "own leaders"},
    # unit page extensions
    "compare_heading": {
        "nb": "Enheten mot overordnet enhet og hele virksomheten",
        "en": "The unit against its parent and the whole organisation",
    },
    "compare_item": {"nb": "Element å sammenligne", "en": "Item to compare"},
    "compare_title": {"nb": "{item} over tid", "en": "{item} over time"},
    "compare_summary": {
        "nb": "Siste kvartal med tall ({period}): {values}.",
        "en": "Latest quarter with figures ({period}): {values}.",
    },
    "chart_group": {"nb": "Gruppe", "en": "Group"},
    "chart_hidden": {"nb": "Skjult", "en": "Hidden"},
    "roles_include_below": {
        "nb": "Ta med enhetene under (ellers bare enhetens egen ledergruppe)",
        "en": "Include the units below (otherwise only the unit's own leader group)",
    },
    "roles_hidden": {
        "nb": "For få ledere i gruppen dette kvartalet til å vise rollene (personvern).",
        "en": "Too few leaders in the group this quarter to show the roles (privacy).",
    },
    "balance_heading": {
        "nb": "Hva mangler ledergruppen, og hva har den mange av?",
        "en": "What does the leader group lack, and what does it have many of?",
    },
    "balance_summary": {
        "nb": "Ingen i gruppen tar oftest: {lacking}. Minst en tredel tar oftest: {many}.",
        "en": "Nobody in the group takes most often: {lacking}. At least a third take most "
        "often: {many}.",
    },
    "balance_lacking": {"nb": "Mangler", "en": "Lacking"},
    "balance_many": {"nb": "Mange", "en": "Many"},
    "col_status": {"nb": "Vurdering", "en": "Assessment"},
    "reflections_period": {"nb": "Kvartal for refleksjonene", "en": "Quarter for the reflections"},
    "reflections_all_periods": {"nb": "Alle kvartaler", "en": "All quarters"},
    "reflections_search": {"nb": "Søk i teksten", "en": "Search the text"},
    "reflections_hidden": {
        "nb": "{period}: {count} svar – for få svar til å vises.",
        "en": "{period}: {count} answers – too few answers to show.",
    },
    "reflections_more": {
        "nb": "Viser {shown} av {total} svar. Snevre inn med spørsmål, kvartal eller søk.",
        "en": "Showing {shown} of {total} answers. Narrow down by question, quarter or search.",
    },
    "reflections_none_match": {
        "nb": "Ingen refleksjoner passer filteret.",
        "en": "No reflections match the filter.",
    },
    # overview page
    "page_overview": {"nb": "Oversikt", "en": "Overview"},
    "overview_intro": {
        "nb": "Hvor står virksomheten, og hvordan utvikler hver del seg? Velg et nivå i "
        "organisasjonen og en periode.",
        "en": "Where does the organisation stand, and how does each part develop? Choose a level "
        "of the organisation and a period.",
    },
    "overview_node": {
        "nb": "Nivå (enhetene rett under vises hver for seg)",
        "en": "Level (the units directly below are shown one by one)",
    },
    "overview_first": {"nb": "Fra kvartal", "en": "From quarter"},
    "overview_last": {
        "nb": "Til kvartal (siste kvartal i figurene)",
        "en": "To quarter (latest in the charts)",
    },
    "overview_kind": {"nb": "Vis", "en": "Show"},
    "kind_theme": {"nb": "Temaer i hjulet", "en": "Wheel themes"},
    "kind_competency": {"nb": "Lederkompetanser", "en": "Leadership competencies"},
    "overview_bad_range": {
        "nb": "«Fra kvartal» ({first}) ligger etter «Til kvartal» ({last}); velg en fra-verdi "
        "som ikke er senere enn til-verdien.",
        "en": "“From quarter” ({first}) is after “To quarter” ({last}); choose a start that is "
        "not later than the end.",
    },
    "heatmap_heading": {"nb": "Varmekart", "en": "Heatmap"},
    "heatmap_title": {"nb": "Gjennomsnitt per enhet i {period}", "en": "Mean per unit in {period}"},
    "heatmap_summary": {
        "nb": "Høyest: {best_unit}, «{best_item}» ({best:.2f}). Lavest: {worst_unit}, "
        "«{worst_item}» ({worst:.2f}). {hidden} celler er skjult fordi de har for få svar.",
        "en": "Highest: {best_unit}, “{best_item}” ({best:.2f}). Lowest: {worst_unit}, "
        "“{worst_item}” ({worst:.2f}). {hidden} cells are hidden for having too few answers.",
    },
    "all_of": {"nb": "Hele {unit}", "en": "All of {unit}"},
    "chart_unit": {"nb": "Enhet", "en": "Unit"},
    "change_heading": {"nb": "Endring", "en": "Change"},
    "change_intro": {
        "nb": "Endring fra forrige kvartal ({previous}) og fra samme kvartal i fjor ({year_ago}) "
        "til {period}, per enhet og element.",
        "en": "Change from the previous quarter ({previous}) and from the same quarter last year "
        "({year_ago}) to {period}, per unit and item.",
    },
    "change_basis": {"nb": "Sammenlign med", "en": "Compare with"},
    "change_previous": {"nb": "Forrige kvartal", "en": "Previous quarter"},
    "change_year": {"nb": "Samme kvartal i fjor", "en": "Same quarter last year"},
    "change_up": {"nb": "Største forbedringer", "en": "Largest improvements"},
    "change_down": {"nb": "Største tilbakegang", "en": "Largest declines"},
    "change_none": {"nb": "Ingen.", "en": "None."},
    "col_mean_previous": {"nb": "Forrige kvartal", "en": "Previous quarter"},
    "col_mean_year_ago": {"nb": "Samme kvartal i fjor", "en": "Same quarter last year"},
    "col_change_previous": {"nb": "Endring fra forrige", "en": "Change since previous"},
    "col_change_year": {"nb": "Endring fra i fjor", "en": "Change since last year"},
    "distribution_heading": {"nb": "Fordeling av svarene", "en": "Distribution of the answers"},
    "likert_title": {
        "nb": "Andel svar per nivå i {period} (lave nivåer til venstre)",
        "en": "Share of answers per level in {period} (low levels to the left)",
    },
    "likert_summary": {
        "nb": "Andel under / over midten: {values}.",
        "en": "Share below / above the middle: {values}.",
    },
    "chart_share": {"nb": "Andel av svarene", "en": "Share of the answers"},
    "chart_level": {"nb": "Nivå", "en": "Level"},
    "spread_title": {
        "nb": "Enhetene under {unit} i {period}: hver strek er en enhet",
        "en": "The units below {unit} in {period}: each tick is one unit",
    },
    "spread_unit": {"nb": "Marker enhet", "en": "Highlight unit"},
    "spread_summary": {
        "nb": "{unit} er nummer {ranks} blant enhetene (høyest = 1).",
        "en": "{unit} ranks {ranks} among the units (highest = 1).",
    },
    "spread_none": {"nb": "Ingen enheter å sammenligne.", "en": "No units to compare."},
    "participation_heading": {"nb": "Deltakelse", "en": "Participation"},
    "participation_title": {
        "nb": "Egenvurderinger mot forventet antall ledere",
        "en": "Check-ins against the expected number of leaders",
    },
    "participation_note": {
        "nb": "Forventet = ledere registrert på enheten og enhetene under den (slik de er "
        "registrert nå). Antall egenvurderinger viser ingen svar og vises derfor alltid.",
        "en": "Expected = leaders registered to the unit and the units below it (as registered "
        "now). Counts of check-ins reveal no answers and are always shown.",
    },
    "participation_summary": {
        "nb": "{period}: {checked} av {expected} forventede egenvurderinger; {missing} mangler.",
        "en": "{period}: {checked} of {expected} expected check-ins; {missing} missing.",
    },
    "col_checked_in": {"nb": "Har svart", "en": "Checked in"},
    "col_expected": {"nb": "Forventet", "en": "Expected"},
    "col_missing": {"nb": "Mangler", "en": "Missing"},
    "col_rate": {"nb": "Andel", "en": "Rate"},
    "chart_rank": {"nb": "Plass (høyest = 1)", "en": "Rank (highest = 1)"},
    "chart_count_answers": {"nb": "Antall svar", "en": "Number of answers"},
}

STRINGS.update(PLAN_STRINGS)  # targets, actions and the leader-group report


def t(lang: str, key: str, **params: object) -> str:
    """The text for `key` in `lang` (falling back to bokmål), with `params` filled in."""
    entry = STRINGS[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**params) if params else text
