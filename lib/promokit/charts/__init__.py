"""Infographics: data tables to branded posters for every screen and for print.

`kinds` holds the chart kinds and poster sizes as pure data (the spec validates against them without
importing matplotlib). The rest is imported on use:

- `figures`  pure builders by kind (data + spec + theme -> drawing on a matplotlib Figure), `build_figure`
- `layout`   the poster at each size (header, title, chart, takeaway, source), fitting and verification
- `theme`    brand colours and fonts + styles/poster.yml and styles/promokit.mplstyle; WCAG contrast
- `alt`      Vietnamese alt text per kind
- `render`   `render_infographics`, `poster_image`, `data_table` (files, atomically)
"""
