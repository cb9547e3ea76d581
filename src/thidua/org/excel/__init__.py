"""Excel exchange of the organisation: import templates, imports of units and
people, and the people export.

Modules: ``cells`` turns one raw cell into a Python value or a Vietnamese
reason, ``columns`` describes the columns of each sheet (shared by templates,
imports and export so that an exported file imports back), ``reader`` checks an
upload and reads its rows, ``importers`` validates every row and then writes
all or nothing, ``audit`` records what bulk writes bypass, ``template`` builds
the downloadable templates and ``export`` the people workbook.
"""
