"""French messages of the history, personal data and enrichment services (merged into MESSAGES)."""

__all__ = ["PRIVACY_MESSAGES"]

PRIVACY_MESSAGES: dict[str, str] = {
    "facilitator_not_found": "Compte d'animation introuvable.",
    "erase_bad_password": (
        "Mot de passe incorrect : votre compte n'a pas été supprimé. Saisissez votre mot de "
        "passe actuel pour confirmer."
    ),
    "erase_running_workshops": (
        "Votre compte n'a pas été supprimé : l'atelier « {titles} » est en cours. Clôturez-le "
        "d'abord (ses participants ont besoin de son animation)."
    ),
    "erase_not_confirmed": (
        "Cochez la case de confirmation : rien n'a été supprimé."
    ),
    "reserved_pseudonym": (
        "Le pseudonyme « {pseudonym} » est réservé aux participations supprimées : "
        "choisissez-en un autre."
    ),
    "enrichment_closed": (
        "Cet atelier n'est pas publié : on ne peut pas y ajouter de contribution, de "
        "commentaire ni de vote."
    ),
    "enrichment_unmoderated": (
        "Cet atelier n'a plus d'animation pour modérer les ajouts : ils sont fermés."
    ),
    "enrichment_not_visitor": (
        "Pour enrichir cet atelier, indiquez d'abord un pseudonyme."
    ),
    "enrichment_email_required": (
        "Cet atelier demande une adresse e-mail confirmée : indiquez-la avec votre pseudonyme."
    ),
    "enrichment_email_unconfirmed": (
        "Confirmez d'abord votre adresse e-mail : ouvrez le lien du message envoyé à {email}."
    ),
    "enrichment_no_smtp": (
        "L'envoi d'e-mails n'est pas configuré sur ce serveur (réglages "
        "TRAJECTOIRES_SMTP_HOST et TRAJECTOIRES_PUBLIC_URL) : la confirmation par e-mail "
        "est impossible."
    ),
    "enrichment_mail_failed": (
        "Le message de confirmation n'a pas pu être envoyé à {email} ({detail}). "
        "Vérifiez l'adresse ou réessayez plus tard."
    ),
    "enrichment_bad_token": (
        "Lien de confirmation invalide ou déjà utilisé. Sans confirmation sous 24 heures, "
        "votre pseudonyme redevient libre : indiquez-le de nouveau avec votre adresse pour "
        "recevoir un autre lien."
    ),
    "comment_empty": "Le commentaire est vide.",
    "comment_too_long": "Le commentaire dépasse {limit} caractères ({length} reçus).",
    "comment_not_found": "Commentaire introuvable dans cet atelier.",
    "comment_target_hidden": (
        "Cette contribution n'est pas visible : on ne peut pas la commenter."
    ),
    "enrichment_type_not_votable": (
        "On ne vote pas sur ce type de contribution ; commentez-la plutôt."
    ),
}
