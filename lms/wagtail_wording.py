"""Wagtail's generic admin sentences, worded for French without "un(e)", "ce(tte)", "référencé(e)".

Wagtail builds "Add %(model_name)s", "New: %(model_name)s", "This %(model_name)s is referenced
…" from one sentence for every model, so its French catalogue hedges the gender with brackets.
Our catalogue (``LOCALE_PATHS``) comes before Wagtail's, and translates these sentences without
a gendered article: "Ajouter : règle de mots bloqués", "Nouvel élément : formation", "Cet élément
(règle de mots bloqués) est référencé 2 fois". The msgids are Wagtail's, listed here so that
``makemessages`` keeps them in ``locale/fr/LC_MESSAGES/django.po``; nothing imports this module.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

WAGTAIL_SENTENCES = (
    gettext_noop("New"),
    gettext_noop("New: %(model_name)s"),
    gettext_noop("Add %(model_name)s"),
    gettext_noop("Add %(label)s"),
    gettext_noop("Create a new %(model_name)s"),
    gettext_noop("One or more references to this %(model_name)s prevent it from being deleted."),
    gettext_noop("Anyone can edit this %(model_name)s"),
    gettext_noop("Anyone can edit this %(model_name)s – lock it to prevent others from editing"),
    gettext_noop("%(model_name)s '%(object)s' created."),
    gettext_noop("%(model_name)s '%(object)s' updated."),
    gettext_noop("%(model_name)s '%(object)s' deleted."),
    gettext_noop("%(model_name)s '%(object)s' created and published."),
    gettext_noop("%(model_name)s '%(object)s' updated and published."),
    gettext_noop("The %(model_name)s could not be created due to errors."),
    gettext_noop("The %(model_name)s could not be saved due to errors."),
    gettext_noop("The %(model_name)s could not be saved as it is locked"),
    gettext_noop("Are you sure you want to delete this %(model_name)s?"),
    gettext_noop("Are you sure you want to unpublish this %(model_name)s?"),
    gettext_noop("Would you still like to publish this %(model_name)s?"),
    gettext_noop("Publishing this %(model_name)s will cancel the current workflow."),
    gettext_noop("Choose when this %(model_name)s should go live and/or expire"),
    gettext_noop("No %(model_name)s match your query."),
    gettext_noop("Are you sure you want to delete this %(snippet_type_name)s?"),
    gettext_noop("You don't have permission to delete this %(snippet_type_name)s"),
    gettext_noop("Unlocked"),
)

WAGTAIL_PLURAL_SENTENCES = (
    ngettext_lazy(
        "This %(model_name)s is referenced %(usage_count)s time.",
        "This %(model_name)s is referenced %(usage_count)s times.",
        "usage_count",
    ),
    ngettext_lazy("%(count)d %(model_name)s deleted.", "%(count)d %(model_name)s deleted.", "count"),
)
