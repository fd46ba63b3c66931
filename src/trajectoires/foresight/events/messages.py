"""French messages of the events, added to the foresight catalogue (:data:`MESSAGES`)."""

from trajectoires.foresight.messages import MESSAGES

__all__ = ["EVENT_MESSAGES"]

EVENT_MESSAGES = {
    "event_not_found": "Événement introuvable.",
    "event_not_owner": "Seul l'organisateur de cet événement peut le modifier.",
    "event_field_empty": "« {field} » est vide.",
    "event_field_too_long": "« {field} » dépasse {limit} caractères ({length} reçus).",
    "event_bad_datetime": (
        "« {field} » : « {value} » n'est pas une date et une heure (attendu par exemple "
        "2027-03-14T09:30, heure de Paris)."
    ),
    "event_end_before_start": "La fin ({end}) précède le début ({start}).",
    "event_too_long": "Un événement dure au plus {limit} jours ({days} demandés).",
    "event_item_outside": (
        "« {field} » ({value}) est hors des dates de l'événement (du {start} au {end})."
    ),
    "event_bad_link": (
        "Lien ligne {line} : « {value} » n'est pas une adresse http:// ou https://. "
        "Écrivez « Titre | https://… » ou l'adresse seule."
    ),
    "event_too_many": "« {field} » : au plus {limit} éléments ({count} reçus).",
    "event_item_not_found": "Élément du programme introuvable dans cet événement.",
    "event_item_is_workshop": (
        "Cet élément du programme est un atelier : retirez-le ou changez l'atelier lié."
    ),
    "event_programme_full": "Le programme compte déjà {limit} éléments : c'est le maximum.",
    "event_bad_move": "Déplacement inconnu : « {value} » (haut ou bas).",
    "event_workshop_not_found": "Aucun atelier « {slug} » à lier à cet événement.",
    "event_workshop_linked": "L'atelier « {title} » figure déjà au programme.",
    "event_workshop_not_linked": "L'atelier « {slug} » n'est pas au programme de cet événement.",
    "event_file_not_found": "Fichier introuvable dans cet événement.",
    "event_file_empty": "Le fichier « {name} » est vide.",
    "event_file_too_big": (
        "Le fichier « {name} » est trop volumineux : {size} pour {limit} au plus."
    ),
    "event_file_bad_type": (
        "Le fichier « {name} » n'est pas accepté : son contenu est {found}, pas un PDF ni une "
        "image (PNG, JPEG, GIF, WebP). Le type est lu dans le contenu, pas dans le nom."
    ),
    "event_file_missing": "Choisissez un fichier à envoyer.",
    "event_too_many_files": "Cet événement a déjà {limit} fichiers : c'est le maximum.",
}
MESSAGES.update(EVENT_MESSAGES)
