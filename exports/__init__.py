"""Excel: registers, filled QMS forms, the KPI workbook and the audit pack."""
