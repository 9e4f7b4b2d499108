"""Infographics: data tables to branded posters for every screen and for print.

A chart kind is one module under `kinds/` (its `ChartKind`: data needs, value rules, builder,
need, alt-text sentences) and one line in `kinds/__init__.py`. `kinds`, `sizes`, `data`, `labels`,
`area` and `describe` import no matplotlib (the spec validates against them). The rest:

- `data`      the table checked against the kind's needs: `ChartData`, `chart_data`
- `labels`    numbers, dates, periods, shares and ticks as they read on a chart
- `measure`   boxes, shaped text widths, fitting text by wrapping and shrinking
- `area`      `ChartArea`: the box a kind draws in, with the style's text roles, legends, value axes
- `canvas`    `Canvas`: the poster's matplotlib Figure addressed in px, every text recorded for checks
- `layout`    the poster at each size (header, title, chart, takeaway, source), fitting and verification
- `theme`     brand colours and fonts + styles/poster.yml and styles/promokit.mplstyle; WCAG contrast
- `describe`  `alt_text`: the kind's sentences framed by title, takeaway and source
- `figure`    `build_figure`: a chart alone for a notebook cell
- `render`    `render_infographics(ctx)`, `render_posters`, `poster_image`, `data_table` (files, atomically)
"""
