"""The KPIs of the company standard: their definitions (figures), their SQL (query) and the
service the dashboards, the API and the KPI workbook read (report)."""
