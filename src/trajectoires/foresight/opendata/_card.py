"""The data card (``LISEZMOI.md``) and the licence file of a workshop's open data, in French.

The card answers what the Metagov notes ask of one: what the data is, how and by
whom it was produced, what it leaves out (personal data, moderated content), its
limits, its licence and how to cite it.

Examples
--------
>>> print(licence_text("cc-by-4.0", "Fibre 2030", "/archives/fibre-2030").splitlines()[0])
# Licence : Creative Commons Attribution 4.0 (CC-BY-4.0)

"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trajectoires.foresight.opendata._package import LICENCES

if TYPE_CHECKING:
    from trajectoires.foresight.opendata import PublicWorkshop

__all__ = ["data_card", "licence_text"]

_KINDS = {"debate": "débat ouvert (propositions et votes d'accord / pas d'accord / passe)",
          "imaginer-2030": "Imaginer 2030 (rétroprospective : titres du futur, jalons, "
                           "facteurs, cibles)",
          "construire-2030": "Construire 2030 (feuille de route : acteurs, moyens, actions, "
                             "jalons, engagements)"}


def licence_text(licence: str, title: str, url: str) -> str:
    """Return ``LICENCE.md``: the licence's name and address, and the attribution to give."""
    key, label, address = LICENCES.get(licence, LICENCES["etalab-2.0"])
    return (f"# Licence : {label} ({key})\n\n"
            f"Texte de la licence : {address}\n\n"
            f"Attribution à mentionner : « {title} », atelier de prospective publié avec "
            f"Trajectoires, {url}\n")


def data_card(data: PublicWorkshop, url: str) -> str:
    """Return ``LISEZMOI.md``, the data card of a published workshop."""
    counts = {name: len(rows) for name, rows in data.tables.items()}
    roles = "\n".join(f"- {role} : {n}" for role, n in data.roles.items()) or "- (aucun)"
    example = ("\n**Contenu d'exemple, simulé** : ces données servent à la démonstration.\n"
               if data.example else "")
    _key, label, address = LICENCES.get(data.licence, LICENCES["etalab-2.0"])
    polis = " Le débat est aussi au format Pol.is (`polis/`)." if data.kind == "debate" else ""
    n = counts.get
    return f"""# {data.title} — données ouvertes
{example}
- **Question** : {data.question}
- **Territoire** : {data.territory}
- **Type d'atelier** : {_KINDS.get(data.kind, data.kind)}
- **Publié le** : {data.published_at} (UTC)
- **Adresse stable** : {url} — données : {url}/donnees.zip
- **Licence** : {label} ({address})

## Ce que contiennent ces données

Les productions de l'atelier telles que l'animation les a publiées : {n('contributions', 0)}
contributions visibles, {n('votes', 0)} votes, {n('priority_points', 0)} points de priorité,
{n('versions', 0)} versions, {n('comments', 0)} commentaires, {n('participants', 0)} participants
sous pseudonyme. Un fichier CSV par table (`csv/`), les mêmes tables dans `donnees.json`, leur
description dans `datapackage.json` (Frictionless Data Package) et `dictionnaire.csv`.{polis}

## Participation (effectifs par rôle, jamais de noms)

{roles}

## Données personnelles

Les participants n'apparaissent que sous le pseudonyme qu'ils ont choisi, numérotés dans cet
atelier seulement : aucune adresse électronique, aucun jeton de connexion, aucun identifiant qui
relierait une personne d'un atelier à l'autre, ni organisation. Une personne qui a supprimé sa
participation apparaît comme « Participant·e anonyme » ; ses contributions et votes restent.

## Limites

- Les contributions masquées, en attente de modération ou fusionnées ne sont pas publiées, ni les
  motifs de modération ; les références vers elles sont vides.
- Les participants se sont choisis eux-mêmes : ils ne représentent pas la population du territoire.
- Les contributions ajoutées après l'atelier (enrichissement) sont marquées (`after_session`).

## Méthode et format

Fichiers plats CSV (UTF-8, virgule, dates ISO 8601 en UTC) et JSON à une adresse stable, avec
licence, fiche de données et dictionnaire, selon les notes de la spécification Metagov
« Interoperable Deliberative Tools ». Les cellules qui commencent par `=`, `+`, `-` ou `@`
(hors nombres) portent une apostrophe en tête, pour ne pas être exécutées par un tableur.
"""
