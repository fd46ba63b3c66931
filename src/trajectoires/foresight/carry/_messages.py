"""French messages of the workshop archive (export, import, open data), keyed by code.

Examples
--------
>>> str(ArchiveError("archive_version", found=3, supported=1))
"Format d'archive incompatible : version 3, cette version de Trajectoires lit la version 1."

"""

from __future__ import annotations

__all__ = ["MESSAGES", "ArchiveError"]

_REFUSED = " Rien n'a été importé."

MESSAGES: dict[str, str] = {
    "archive_unreadable": ("Le fichier {path} n'est pas une archive ZIP lisible (corrompu ou "
                           "tronqué) : {detail}." + _REFUSED),
    "archive_no_manifest": ("Le fichier {path} n'est pas une archive d'atelier Trajectoires : "
                            "manifest.json est absent." + _REFUSED),
    "archive_bad_manifest": "manifest.json illisible dans {path} : {detail}." + _REFUSED,
    "archive_version": ("Format d'archive incompatible : version {found}, cette version de "
                        "Trajectoires lit la version {supported}."),
    "archive_unknown_table": ("Format d'archive incompatible : la table « {name} » est inconnue "
                              "de cette version de Trajectoires (archive d'une version plus "
                              "récente ?)." + _REFUSED),
    "archive_unsafe_name": ("Nom de fichier refusé dans l'archive : « {name} » (chemin absolu, "
                            "« .. » ou caractère interdit)." + _REFUSED),
    "archive_too_large": ("Fichier trop volumineux dans l'archive : « {name} » "
                          "({size} octets décompressés, au plus {limit})." + _REFUSED),
    "archive_too_many": ("Trop de fichiers dans l'archive ({count}, au plus {limit})."
                         + _REFUSED),
    "archive_missing_member": ("Fichier manquant dans l'archive : « {name} » (annoncé par "
                               "manifest.json)." + _REFUSED),
    "archive_unlisted_member": ("Fichier inattendu dans l'archive : « {name} » (absent de "
                                "manifest.json ; archive modifiée ?)." + _REFUSED),
    "archive_checksum": ("Somme de contrôle SHA-256 fausse pour « {name} » : le fichier a été "
                         "modifié ou abîmé depuis l'export." + _REFUSED),
    "archive_bad_data": "Données illisibles dans « {name} » : {detail}." + _REFUSED,
    "archive_bad_value": ("Valeur refusée dans « {name} », ligne {row}, colonne « {column} » : "
                          "{detail}." + _REFUSED),
    "archive_bad_ref": ("Référence inconnue dans « {name} », ligne {row}, colonne « {column} » "
                        ": {value}." + _REFUSED),
    "archive_unknown_kind": "Type d'atelier inconnu dans l'archive : « {kind} »." + _REFUSED,
    "slug_taken": ("Un autre atelier porte déjà le nom « {slug} » sur cette instance. "
                   "Importez sous un autre nom avec --slug NOUVEAU-NOM." + _REFUSED),
    "already_diverged": ("L'atelier « {slug} » a déjà été importé et son contenu diffère "
                         "maintenant de l'archive (modifié ici ou là-bas). Pour garder les deux, "
                         "importez sous un autre nom avec --slug NOUVEAU-NOM." + _REFUSED),
    "row_name_taken": ("Un autre {label} porte déjà le nom « {value} » sur cette instance "
                       "(ce n'est pas celui de l'archive)." + _REFUSED),
    "bad_slug": ("Nom d'atelier invalide : « {slug} » (lettres minuscules sans accent, "
                 "chiffres et tirets, 80 caractères au plus)."),
    "no_facilitator": ("Aucun compte animateur sur cette instance : créez-en un avec "
                       "« {tool} facilitator create » avant d'importer."),
    "many_facilitators": ("Plusieurs comptes animateurs sur cette instance : dites à qui "
                          "confier l'atelier avec --facilitator ADRESSE."),
    "unknown_facilitator": "Aucun compte animateur n'a l'adresse « {email} ».",
    "workshop_not_found": "Aucun atelier ne porte le nom « {slug} ».",
    "event_not_found": "Aucun événement ne porte le nom « {slug} ».",
    "event_file_missing": ("Le fichier « {name} » de l'événement est introuvable ({path}) : "
                           "export impossible."),
    "event_file_changed": ("Le fichier « {name} » de l'événement a changé depuis son envoi "
                           "({path} : somme SHA-256 différente) : export impossible."),
    "not_published": "L'atelier « {slug} » n'est pas publié : ses données ne sont pas ouvertes.",
}


class ArchiveError(Exception):
    """A workshop archive that cannot be written, read or imported; French message."""

    def __init__(self, code: str, /, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The French message shown to the user."""
        from trajectoires.invocation import tool_command

        return MESSAGES[self.code].format(**{"tool": tool_command(), **self.params})
