"""The follow-up rules: what a rule is and how it is checked when saved (definition), what
it may read of each entity (catalogue), how its matches are found in SQL (query), what it
does to them (actions), what it remembers (memo), the KPI trigger (kpi), what it would do
now (preview), and the sweep that runs every rule on its schedule (sweep). The RQ jobs that
start a sweep live in jobs/; the rule screens in app/web/views."""
