"""Radio bulletins for the commune loudspeakers: script → text for the ear → voices → mix → run sheet.

`script` (the bulletin script model and Markdown parser), `speech` (text for the ear, reading time),
`plan` (segments and the timeline), `voice` (recorded voices cleaned, guide-track engines),
`mix` (the ffmpeg graph, loudness, MP3/WAV), `schedule` (broadcasts per commune), `sheet` (run sheet PDF),
`api` (what the notebook calls).
"""
