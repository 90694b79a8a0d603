"""Home pages and dashboards: the one part of ``portal`` that reads the domain apps.

It reads them only through their selectors. ``menu`` says which parts of the portal each
role uses, ``todo`` collects the to-do items apps register, ``home`` assembles the home page.
"""
