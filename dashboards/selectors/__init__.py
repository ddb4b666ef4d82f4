"""The reads of the dashboard pages, one module per page, built on the domain apps' models and selectors.

Every figure is aggregated in SQL (GROUP BY over truncated shop days, SUM, COUNT with FILTER); a page runs a fixed
number of queries whatever the number of orders. Each page's function returns a Report (common.py) the page's template
and its CSV links read.
"""
