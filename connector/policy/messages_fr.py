"""Formulations françaises de chaque clé d'explication, lisibles par un client comme par un agent."""
# ruff: noqa: E501 - one message per line reads better for translators

from __future__ import annotations

from typing import Final

MESSAGES: Final[dict[str, str]] = {
    "outcome.refund": "un remboursement",
    "outcome.store_credit": "un avoir",
    "outcome.exchange": "un échange",
    "method.prepaid_label": "étiquette prépayée (envoi postal)",
    "method.relay_point": "point relais",
    "method.in_store": "dépôt en magasin",
    "method.home_pickup": "enlèvement à domicile",
    "decision.approve": "accepté",
    "decision.decline": "refusé",
    "decision.review": "à examiner",
    "reason.size_too_small": "trop petit",
    "reason.size_too_large": "trop grand",
    "reason.colour": "couleur",
    "reason.style": "style",
    "reason.not_as_described": "non conforme à la description",
    "reason.defective": "défectueux",
    "reason.damaged_in_transit": "abîmé pendant le transport",
    "reason.wrong_item": "erreur d'article",
    "reason.unwanted": "ne convient plus",
    "reason.arrived_late": "arrivé en retard",
    "reason.other": "autre",
    "window.open.delivered": (
        "Retour accepté ({item}) : livré le {anchor}, délai de {days} jours jusqu'au {deadline}."
    ),
    "window.open.fulfilled": (
        "Retour accepté ({item}) : expédié le {anchor}, date de livraison inconnue donc {buffer} jours de "
        "transport comptés ; délai de {days} jours jusqu'au {deadline}."
    ),
    "window.open.ordered": (
        "Retour accepté ({item}) : commandé le {anchor}, délai de {days} jours jusqu'au {deadline}."
    ),
    "window.expired.delivered": (
        "Délai de retour dépassé ({item}) : livré le {anchor}, le délai de {days} jours a pris fin le {deadline}."
    ),
    "window.expired.fulfilled": (
        "Délai de retour dépassé ({item}) : expédié le {anchor} (+{buffer} jours de transport), le délai de "
        "{days} jours a pris fin le {deadline}."
    ),
    "window.expired.ordered": (
        "Délai de retour dépassé ({item}) : commandé le {anchor}, le délai de {days} jours a pris fin le {deadline}."
    ),
    "window.override.sku": "{item} : délai de {days} jours pour cet article (réf. {match}).",
    "window.override.tag": "{item} : délai de {days} jours pour les articles « {match} ».",
    "window.override.collection": "{item} : délai de {days} jours pour la collection « {match} ».",
    "window.override.product_type": "{item} : délai de {days} jours pour les produits de type {match}.",
    "window.holiday": (
        "{item} : prolongation des fêtes : commandé entre le {start} et le {end}, retour possible jusqu'au {until}."
    ),
    "window.not_shipped": "{item} : pas encore expédié, rien à retourner.",
    "exclusion.final_sale": "{item} : vente finale, ni reprise ni échange.",
    "exclusion.tag": "{item} : ne peut pas être retourné (articles « {match} »).",
    "exclusion.product_type": "{item} : les produits de type {match} ne peuvent pas être retournés.",
    "exclusion.sku": "{item} : cet article ne peut pas être retourné.",
    "quantity.none_left": (
        "{item} : plus rien à retourner ({returned} déjà retourné(s), {pending} sur d'autres retours en cours)."
    ),
    "quantity.too_many": (
        "{item} : {asked} demandé(s) mais {available} seulement peuvent être retournés ({returned} déjà "
        "retourné(s), {pending} sur d'autres retours en cours)."
    ),
    "limit.reached": ("Limite de retours atteinte : {count} retours ces {days} derniers jours, {max} au maximum."),
    "limit.ok": "{count} retour(s) sur {max} utilisés ces {days} derniers jours.",
    "outcome.not_allowed": ("{item} : {outcome} n'est pas possible pour cet article et ce motif ({reason})."),
    "outcome.other_product": "{item} : l'échange se limite à une autre taille ou couleur du même produit.",
    "outcome.chosen": "{item} : {outcome} choisi pour {quantity} unité(s) d'une valeur de {paid}.",
    "exchange.balance_due": "{item} : l'article de remplacement coûte {price}, il reste {amount} à payer.",
    "exchange.difference_refunded": (
        "{item} : l'article de remplacement coûte {price}, la différence de {amount} est remboursée."
    ),
    "exchange.difference_credited": (
        "{item} : l'article de remplacement coûte {price}, la différence de {amount} vous est versée en avoir,"
        " comme vous l'avez choisi."
    ),
    "bonus.percent": "{item} : bonus de {percent} % pour avoir choisi {outcome} : {amount}.",
    "bonus.flat": "Bonus de {amount} pour avoir choisi un avoir ou un échange.",
    "keep_item.granted": ("Gardez l'article : le retour vaut {value}, moins que {threshold} ; rien à renvoyer."),
    "keep_item.refused": ("Garder l'article n'est pas possible ici (retour de {value}, limite {threshold})."),
    "keep_item.not_offered": "Cette boutique ne propose pas de garder l'article.",
    "keep_item.refused.outcome": "Garder l'article n'est possible qu'avec {outcomes}.",
    "keep_item.resolved": "Rien à renvoyer ni à inspecter : le retour est résolu tout de suite par {outcome} de {amount}.",
    "fee.free_returns": "Retour gratuit.",
    "fee.return_shipping": "Frais de retour : {amount}.",
    "fee.return_shipping.waived": "Frais de retour de {amount} offerts pour un avoir ou un échange.",
    "fee.return_shipping.keep_item": "Pas de frais de retour : vous gardez l'article.",
    "fee.return_shipping.merchant_fault": "Pas de frais de retour ({amount}) : le problème vient de nous.",
    "fee.restocking": "{item} : frais de remise en stock de {percent} % pour le motif « {reason} » : {amount}.",
    "fee.restocking.merchant_fault": "{item} : pas de frais de remise en stock, motif « {reason} ».",
    "shipping.refunded.always": "Frais de livraison remboursés : {amount}.",
    "shipping.refunded.merchant_fault": ("Frais de livraison remboursés car le problème vient de nous : {amount}."),
    "shipping.refunded.full_return": ("Frais de livraison remboursés car toute la commande est retournée : {amount}."),
    "shipping.not_refunded": "Les frais de livraison ne sont pas remboursés.",
    "shipping.already_refunded": "Les frais de livraison de la commande ont déjà été remboursés.",
    "eu.withdrawal": (
        "{item} : droit de rétractation (Code de la consommation L221-18) : {days} jours à compter de la "
        "réception le {anchor}, jusqu'au {deadline}."
    ),
    "eu.withdrawal.not_informed": (
        "{item} : délai de rétractation prolongé de 12 mois faute d'information (L221-20), jusqu'au {deadline}."
    ),
    "eu.withdrawal.expired": "{item} : le délai légal de rétractation a pris fin le {deadline}.",
    "eu.excluded": "{item} : exclu du droit de rétractation (L221-28).",
    "eu.refund_due": (
        "Remboursement dû au plus tard le {due}, dans les {days} jours suivant la demande (L221-24) ; il "
        "peut être différé jusqu'à la récupération des biens ou la preuve de leur expédition."
    ),
    "eu.refund_original_payment": "{item} : remboursé sur le moyen de paiement initial (L221-24).",
    "eu.credit_chosen": ("{item} : avoir choisi par le client ; le remboursement reste possible (L221-24)."),
    "eu.delivery_refunded": (
        "Livraison remboursée à hauteur de la livraison standard la moins chère : {amount} (L221-24)."
    ),
    "eu.no_restocking": "{item} : pas de frais de remise en stock pendant le délai légal de rétractation.",
    "eu.no_auto_decline": (
        "La règle « {rule} » refuserait, mais une rétractation légale n'est jamais refusée automatiquement : "
        "à examiner."
    ),
    "eu.limit_not_applied": "La limite de retours ne s'applique pas à une rétractation légale.",
    "rule.approve": "Accepté automatiquement (règle « {rule} »).",
    "rule.decline": "Refusé (règle « {rule} ») : {message}",
    "rule.review": "À examiner (règle « {rule} »).",
    "default.approve": "Aucune règle particulière : accepté.",
    "default.decline": "Aucune règle particulière : refusé.",
    "default.review": "Aucune règle particulière : à examiner.",
    "decision.ineligible": "Refusé : certains articles ne peuvent pas être retournés selon cette politique.",
    "agent.override": (
        "Décision « {decision} » prise par l'agent {agent} (la politique indiquait « {previous} ») : {reason}"
    ),
    # résumé de la politique (describe)
    "policy.window.delivery": "Retours acceptés dans les {days} jours suivant la livraison (ou l'expédition plus {buffer} jours si la date de livraison est inconnue).",
    "policy.window.fulfillment": "Retours acceptés dans les {days} jours suivant l'expédition plus {buffer} jours de livraison.",
    "policy.window.order": "Retours acceptés dans les {days} jours suivant la commande.",
    "policy.override.sku": "Article {match} : {days} jours.",
    "policy.override.tag": "Articles « {match} » : {days} jours.",
    "policy.override.collection": "Collection « {match} » : {days} jours.",
    "policy.override.product_type": "{match} : {days} jours.",
    "policy.holiday": "Commandes passées entre le {start} et le {end} : retour possible jusqu'au {until}.",
    "policy.excluded.final_sale": "Les articles en vente finale ne sont ni repris ni échangés.",
    "policy.excluded.tags": "Les articles {values} ne peuvent pas être retournés.",
    "policy.excluded.product_types": "{values} : pas de retour possible.",
    "policy.limit": "{max} retours au maximum par client sur {days} jours.",
    "policy.outcomes": "Vous pouvez choisir {outcomes}.",
    "policy.outcome_rule.reasons": "Si le motif est {reasons} : {outcomes} uniquement.",
    "policy.outcome_rule.products": "Pour {products} : {outcomes} uniquement.",
    "policy.outcome_rule.both": "Pour {products} si le motif est {reasons} : {outcomes} uniquement.",
    "policy.exchange.variant": "L'échange se fait contre une autre taille ou couleur du même produit.",
    "policy.exchange.any_product": "L'échange peut se faire contre n'importe quel produit ; la différence de prix est payée ou remboursée.",
    "policy.bonus.percent": "Bonus de {percent} % si vous choisissez {outcomes}.",
    "policy.bonus.flat": "{amount} offerts si vous choisissez {outcomes}.",
    "policy.keep_item": "Pour un retour de moins de {amount}, inutile de renvoyer l'article.",
    "policy.fee.free": "Le retour est gratuit.",
    "policy.fee.return_shipping": "Le retour coûte {amount} ; il est gratuit si l'article est défectueux, abîmé ou erroné.",
    "policy.fee.return_shipping.waived": "Le retour coûte {amount} ; il est gratuit si vous choisissez {outcomes} ou si l'article est défectueux, abîmé ou erroné.",
    "policy.restocking": "Des frais de remise en stock de {percent} % s'appliquent pour le motif « {reason} ».",
    "policy.restocking.never_faulty": "Pas de frais de remise en stock pour un article défectueux, abîmé ou erroné.",
    "policy.shipping_refund.never": "Les frais de livraison initiaux ne sont pas remboursés.",
    "policy.methods": "Modes de retour : {methods}.",
    "policy.method.fee": "Frais pour {method} : {amount}.",
    "policy.method.free": "Aucun frais pour {method}.",
    "policy.shipping_refund.always": "Les frais de livraison initiaux sont remboursés.",
    "policy.shipping_refund.merchant_fault": "Les frais de livraison initiaux sont remboursés si l'article est défectueux, abîmé ou erroné.",
    "policy.shipping_refund.full_return": "Les frais de livraison initiaux sont remboursés si toute la commande est retournée.",
    "policy.eu.withdrawal": "Droit de rétractation : {days} jours à compter de la réception, sans motif (Code de la consommation L221-18) ; remboursement, livraison standard comprise, sous {refund_days} jours (L221-24).",
    "policy.eu.not_informed": "Le délai de rétractation est prolongé de 12 mois (L221-20).",
    "policy.eu.excluded": "Pas de droit de rétractation pour {values} (L221-28).",
}
