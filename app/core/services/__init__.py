"""Domain operations shared by views, API, jobs and exports: validate, then act, or raise."""
