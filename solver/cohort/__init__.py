"""Cohort: recommendations for a whole cohort of learners, row by row, in parallel processes or on Dask."""
