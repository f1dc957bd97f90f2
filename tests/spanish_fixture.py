"""A two-language site whose Spanish article shows every component a reader can meet
(issue 31): each callout and care-card kind, a table, a figure with a long description,
a glossary term, references, review dates, a table of contents and the translation note.
Built on the bilingual fixture (tests/fixtures/bilingual)."""

from __future__ import annotations

from pathlib import Path

from sitekit import FIXTURES, SiteDir, copy_site

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200">\n'
    '  <rect width="10" height="10"/>\n  <text x="1" y="9">Lesión</text>\n</svg>\n'
)
IMAGES = """\
dibujo.svg:
  credit: Drawn by the editorial team
  licence: site
  long_description: A small box with the word lesion.
  es:
    credit: Dibujo del equipo editorial
    long_description: Un cuadro pequeño con la palabra lesión.
"""
ORIGINAL = """\
---
title: Every part of a page
summary: A page that shows every part an article can have, for the tests.
date: 2026-03-05
reviewed: 2026-06-01
reviewer: editorial-team
tags: [Basics]
takeaways:
  - A page can have many parts.
---
## First part

A paragraph of text in the first part.

## Second part

Another paragraph in the second part.
"""
EVERYTHING = """\
---
title: Todas las partes de una página
summary: Una página que muestra cada parte que puede tener un artículo.
date: 2026-03-10
reviewed: 2026-06-01
reviewer: editorial-team
tags: [Conceptos básicos]
takeaways:
  - Una página tiene muchas partes.
questions:
  - ¿Qué partes tiene esta página?
references:
  - title: Guía de resonancia para pacientes
    authors: Pérez A, Gómez B
    journal: Revista de Pruebas
    year: 2024
    doi: 10.1000/prueba.2024.1
    pmid: "12345678"
translation_of: every-part.md
translated_from_reviewed: 2026-06-01
translated_by: editorial-team
translation_clinical_review: false
---
## Los cuadros

Una lesión es una zona con daño. Lea esto con calma.

!!! key-point
    La idea principal va aquí.

!!! note
    Una nota breve.

!!! warning
    Un aviso breve.

!!! tip
    Un consejo breve.

!!! inset
    Un dato útil.

## Las tarjetas

!!! non-urgent "Pregunte en su próxima visita si:"
    - tiene dudas sobre su informe

!!! urgent "Llame hoy a su enfermera si:"
    - tiene síntomas nuevos

!!! emergency "Llame a emergencias si:"
    - le cuesta respirar

## Las listas

!!! do
    - anote sus preguntas

!!! dont
    - deje un medicamento sin hablar con su equipo

## La tabla y el dibujo

| Prueba | Qué muestra |
|---|---|
| T2 | Lesiones antiguas |

Tabla: Pruebas y lo que muestran
| Prueba | Qué muestra |
|---|---|
| T1 | Lesiones activas |

![Un cuadro con una palabra](images/dibujo.svg "El cuadro")
"""


def spanish_site(root: Path) -> SiteDir:
    site = copy_site(FIXTURES / "bilingual", root)
    site.write("content/images/dibujo.svg", SVG)
    site.write("content/images/images.yaml", IMAGES)
    site.article("every-part.md", ORIGINAL)
    site.write("content/es/articles/todas-las-partes.md", EVERYTHING)
    return site
