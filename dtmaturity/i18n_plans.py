"""UI strings (nb, en) for targets, actions and the leader-group report; merged into i18n.STRINGS.

Kept in their own module so the catalogue of the core pages stays easy to merge.
"""

from __future__ import annotations

PLAN_STRINGS: dict[str, dict[str, str]] = {
    # targets in the check-in
    "targets_heading": {"nb": "Mål", "en": "Targets"},
    "targets_intro": {
        "nb": "Sett gjerne et mål for hvert tema og hver kompetanse: hvilket nivå vil enheten "
        "være på innen kvartalet du velger? Målene er valgfrie og vises ved siden av "
        "utviklingen på siden «Enhet over tid».",
        "en": "You may set a target for each theme and competency: which level should the unit "
        "reach by the quarter you choose? Targets are optional and are shown beside the trend "
        "on the “Unit over time” page.",
    },
    "target_period_label": {"nb": "Målene gjelder innen kvartal", "en": "Targets are for quarter"},
    "target_label": {"nb": "Mål for {item}", "en": "Target for {item}"},
    "target_none": {"nb": "Ikke satt", "en": "Not set"},
    "previous_target": {
        "nb": "Ditt forrige mål: {score} innen {period}",
        "en": "Your previous target: {score} by {period}",
    },
    "error_target_period_missing": {
        "nb": "Velg kvartalet målene gjelder for.",
        "en": "Choose the quarter the targets are for.",
    },
    "error_target_period_past": {
        "nb": "Målkvartalet {value} må ligge etter egenvurderingens kvartal {period}.",
        "en": "The target quarter {value} must come after the check-in's quarter {period}.",
    },
    # actions in the check-in
    "checkin_actions_heading": {
        "nb": "Oppfølging: enhetens åpne tiltak",
        "en": "Follow-up: the unit's open actions",
    },
    "checkin_actions_intro": {
        "nb": "Hvor står tiltakene dere satte opp? Oppdater statusen og lagre; endringen "
        "registreres i kvartalet {period}. Statusen lagres for seg, uavhengig av "
        "egenvurderingen under.",
        "en": "Where do the actions you planned stand? Update their status and save; the change "
        "is recorded in quarter {period}. Statuses are saved on their own, independently of "
        "the check-in below.",
    },
    "checkin_actions_none": {
        "nb": "Enheten har ingen åpne tiltak. Tiltak opprettes på siden «Enhet over tid».",
        "en": "The unit has no open actions. Actions are created on the “Unit over time” page.",
    },
    "action_status_label": {
        "nb": "Status for #{id}: {description}",
        "en": "Status of #{id}: {description}",
    },
    "action_meta": {
        "nb": "Gjelder: {items} · Ansvarlig: {owner} · Frist: {due}",
        "en": "About: {items} · Owner: {owner} · Due: {due}",
    },
    "actions_save_status": {"nb": "Lagre status", "en": "Save statuses"},
    "actions_status_saved": {"nb": "Statusen er lagret.", "en": "The statuses were saved."},
    # action statuses
    "action_status_planned": {"nb": "Planlagt", "en": "Planned"},
    "action_status_in_progress": {"nb": "Pågår", "en": "In progress"},
    "action_status_done": {"nb": "Gjennomført", "en": "Done"},
    "action_status_dropped": {"nb": "Droppet", "en": "Dropped"},
    "action_when_closed": {"nb": "Avsluttet i kvartalet", "en": "Closed in quarter"},
    "action_when_due": {"nb": "Frist", "en": "Due"},
    # actions on the unit page
    "actions_heading": {"nb": "Tiltak", "en": "Actions"},
    "actions_intro": {
        "nb": "Hva ledergruppen vil gjøre, knyttet til temaer, kompetanser eller roller. På "
        "utviklingsgrafen står hvert tiltak som en loddrett strek: heltrukket i kvartalet det "
        "ble gjennomført (eller droppet), stiplet ved fristen mens det er åpent.",
        "en": "What the leader group will do, tied to themes, competencies or roles. On the trend "
        "chart each action is a vertical line: solid at the quarter it was done (or dropped), "
        "dashed at its due quarter while it is open.",
    },
    "actions_empty": {"nb": "Enheten har ingen tiltak ennå.", "en": "The unit has no actions yet."},
    "actions_new": {"nb": "Nytt tiltak", "en": "New action"},
    "actions_from_reflection": {
        "nb": "Lag tiltak av dette",
        "en": "Make an action of this",
    },
    "actions_prefilled": {
        "nb": "Fylt ut fra refleksjonen. Velg hva tiltaket gjelder, ansvarlig og frist, og lagre.",
        "en": "Filled in from the reflection. Choose what it is about, the owner and the due "
        "quarter, and save.",
    },
    "action_items_label": {
        "nb": "Gjelder (temaer, kompetanser eller roller)",
        "en": "About (themes, competencies or roles)",
    },
    "action_description_label": {"nb": "Hva skal gjøres?", "en": "What will be done?"},
    "action_owner_label": {"nb": "Ansvarlig", "en": "Owner"},
    "action_due_label": {"nb": "Frist (kvartal)", "en": "Due (quarter)"},
    "action_status_field": {"nb": "Status", "en": "Status"},
    "action_save": {"nb": "Lagre tiltak", "en": "Save action"},
    "action_saved": {"nb": "Tiltak #{id} er lagret.", "en": "Action #{id} was saved."},
    "action_cancel": {"nb": "Avbryt", "en": "Cancel"},
    "actions_update_heading": {"nb": "Endre status", "en": "Change status"},
    "actions_update_pick": {"nb": "Tiltak", "en": "Action"},
    "error_action_no_items": {
        "nb": "Velg minst ett tema, én kompetanse eller én rolle.",
        "en": "Choose at least one theme, competency or role.",
    },
    "error_action_unknown_item": {
        "nb": "«{value}» er ikke et tema, en kompetanse eller en rolle i rammeverket.",
        "en": "“{value}” is not a theme, competency or role of the framework.",
    },
    "error_action_no_description": {
        "nb": "Skriv hva som skal gjøres.",
        "en": "Describe what will be done.",
    },
    "error_action_no_owner": {"nb": "Velg en ansvarlig.", "en": "Choose an owner."},
    "error_action_owner_not_member": {
        "nb": "«{value}» er ikke registrert som leder i enheten.",
        "en": "“{value}” is not registered as a leader of the unit.",
    },
    "error_action_status": {
        "nb": "Ukjent status «{value}» (kjente: {known}).",
        "en": "Unknown status “{value}” (known: {known}).",
    },
    "error_action_unknown": {
        "nb": "Tiltak {value} finnes ikke i denne enheten.",
        "en": "Action {value} does not exist in this unit.",
    },
    "col_description": {"nb": "Tiltak", "en": "Action"},
    "col_items": {"nb": "Gjelder", "en": "About"},
    "col_owner": {"nb": "Ansvarlig", "en": "Owner"},
    "col_due": {"nb": "Frist", "en": "Due"},
    "col_closed": {"nb": "Avsluttet", "en": "Closed"},
    "col_action_id": {"nb": "Nr.", "en": "No."},
    "chart_action": {"nb": "Tiltak", "en": "Action"},
    "chart_when": {"nb": "Plassert ved", "en": "Placed at"},
    # targets on the dashboards
    "chart_target": {"nb": "Mål (snitt)", "en": "Target (mean)"},
    "chart_target_period": {"nb": "Målkvartal", "en": "Target quarter"},
    "chart_n_targets": {"nb": "Antall mål", "en": "Number of targets"},
    "trend_plan_title": {
        "nb": "{kind}: utvikling, mål og tiltak",
        "en": "{kind}: trend, targets and actions",
    },
    "trend_plan_note": {
        "nb": "Åpne markører med stiplet linje = mål (snittet av ledernes siste mål for "
        "kvartalet). Loddrette streker = tiltak (nummer øverst).",
        "en": "Open markers with a dashed line = targets (the mean of the leaders' latest "
        "targets for that quarter). Vertical lines = actions (number at the top).",
    },
    "gaps_heading": {"nb": "Avstand til målet", "en": "Gap to the target"},
    "gaps_none": {
        "nb": "Ingen mål er satt for et kommende kvartal.",
        "en": "No targets are set for a coming quarter.",
    },
    "gaps_summary": {
        "nb": "Størst avstand: {item} ({gap:+.2f} til målet {target:.2f} innen {period}).",
        "en": "Largest gap: {item} ({gap:+.2f} to the target {target:.2f} by {period}).",
    },
    "col_target": {"nb": "Mål", "en": "Target"},
    "col_target_period": {"nb": "Innen", "en": "By"},
    "col_gap": {"nb": "Avstand", "en": "Gap"},
    "col_mean_now": {"nb": "Snitt nå", "en": "Mean now"},
    "competency_trend_heading": {
        "nb": "Kompetansene over tid, med mål og tiltak",
        "en": "Competencies over time, with targets and actions",
    },
    # overview
    "furthest_heading": {"nb": "Lengst fra målet", "en": "Furthest from their targets"},
    "furthest_intro": {
        "nb": "Enhetene under med størst gjennomsnittlig avstand mellom målet (nærmeste "
        "målkvartal fra og med {period}) og snittet i {period}. Tall fra for få ledere er skjult.",
        "en": "The units below with the largest mean gap between their target (the nearest "
        "target quarter from {period} on) and their mean in {period}. Figures from too few "
        "leaders are hidden.",
    },
    "furthest_none": {
        "nb": "Ingen enheter har både synlige mål og synlige snitt i {period}.",
        "en": "No unit has both visible targets and visible means in {period}.",
    },
    "col_items_count": {"nb": "Elementer med mål", "en": "Items with a target"},
    "col_mean_gap": {"nb": "Snittavstand", "en": "Mean gap"},
    "col_largest_item": {"nb": "Størst avstand på", "en": "Largest gap on"},
    "col_largest_gap": {"nb": "Største avstand", "en": "Largest gap"},
    # the leader-group report
    "report_heading": {"nb": "Rapport til ledergruppen", "en": "Report for the leader group"},
    "report_intro": {
        "nb": "En rapport å ta med til ledergruppemøtet: utvikling, kompetanseprofil, roller, "
        "endringer siden forrige kvartal, mål, åpne tiltak og refleksjonsspørsmål.",
        "en": "A report to bring to the leader-group meeting: trends, competency profile, roles, "
        "changes since last quarter, targets, open actions and reflection questions.",
    },
    "report_period": {"nb": "Rapportens kvartal", "en": "Quarter of the report"},
    "report_lang": {"nb": "Språk i rapporten", "en": "Language of the report"},
    "report_pdf": {"nb": "Last ned PDF", "en": "Download PDF"},
    "report_html": {"nb": "Last ned HTML", "en": "Download HTML"},
    "report_title": {
        "nb": "Digital modenhet: {unit}, {period}",
        "en": "Digital maturity: {unit}, {period}",
    },
    "report_subtitle": {
        "nb": "Rapport til ledergruppen, laget {date}. Tallene gjelder enheten og enhetene under "
        "den; tall fra færre enn {k} svar er skjult.",
        "en": "Report for the leader group, made {date}. Figures cover the unit and the units "
        "below it; figures from fewer than {k} answers are hidden.",
    },
    "report_trend_themes": {"nb": "Temaene over tid", "en": "The themes over time"},
    "report_trend_competencies": {
        "nb": "Kompetansene over tid",
        "en": "The competencies over time",
    },
    "report_profile": {"nb": "Kompetanseprofil", "en": "Competency profile"},
    "report_roles": {"nb": "Lederroller i {period}", "en": "Leader roles in {period}"},
    "report_roles_hidden": {
        "nb": "For få egenvurderinger i {period} til å vise rollene.",
        "en": "Too few check-ins in {period} to show the roles.",
    },
    "report_changes": {
        "nb": "Endringer siden forrige kvartal (fra {previous} til {period})",
        "en": "Changes since last quarter (from {previous} to {period})",
    },
    "report_targets": {"nb": "Mål og avstand", "en": "Targets and gaps"},
    "report_actions": {"nb": "Åpne tiltak", "en": "Open actions"},
    "report_actions_none": {"nb": "Ingen åpne tiltak.", "en": "No open actions."},
    "report_reflections": {
        "nb": "Delte refleksjoner i {period}",
        "en": "Shared reflections in {period}",
    },
    "report_questions": {
        "nb": "Refleksjonsspørsmål til diskusjon",
        "en": "Reflection questions to discuss",
    },
    "report_no_data": {
        "nb": "Ingen svar for enheten i {period}.",
        "en": "No answers for the unit in {period}.",
    },
    "report_chart_alt": {"nb": "Figur: {title}. {summary}", "en": "Chart: {title}. {summary}"},
    "report_lens_wheel": {"nb": "Hjulet", "en": "The wheel"},
    "report_lens_competencies": {"nb": "Kompetansene", "en": "The competencies"},
    "report_lens_roles": {"nb": "Rollene", "en": "The roles"},
    "report_unknown_unit": {"nb": "Ukjent enhet «{value}».", "en": "Unknown unit “{value}”."},
    "col_change": {"nb": "Endring", "en": "Change"},
    "col_hidden_mark": {"nb": "skjult", "en": "hidden"},
    # import and export of actions
    "actions_import_summary": {
        "nb": "{new} nye, {updated} endrede, {unchanged} uendrede tiltak",
        "en": "{new} new, {updated} updated, {unchanged} unchanged actions",
    },
    "actions_missing_column": {
        "nb": "Tiltaksfilen mangler kolonnen «{expected}».",
        "en": "The actions file lacks the column “{expected}”.",
    },
    "actions_bad_id": {
        "nb": "Tiltaksnummeret må være et heltall.",
        "en": "The action id must be a whole number.",
    },
    "actions_duplicate_row": {
        "nb": "Samme tiltak står også i rad {first_row}.",
        "en": "The same action is also in row {first_row}.",
    },
}
