"""Disposal freezes as a keeper: an active freeze keeps the images in its scope."""

from django.db.models import Exists, OuterRef, Q

from imaging.models import ClinicalImage
from records.models import Encounter, Patient
from retention.compute import AddYears, record_class_expression
from retention.models import DisposalFreeze, FreezeScope


def _children() -> Q:
    """Patients under 18 at any service (an encounter or an image), or of unknown age:
    a freeze on children's records keeps them too."""
    adult_on = AddYears(OuterRef("date_of_birth"), 18)
    seen_young = Encounter.objects.filter(
        patient=OuterRef("pk"), started_at__date__lt=adult_on
    )
    taken_young = ClinicalImage.objects.filter(
        patient=OuterRef("pk"), captured_at__date__lt=adult_on
    )
    return (
        Q(date_of_birth__isnull=True) | Q(Exists(seen_young)) | Q(Exists(taken_young))
    )


def class_q(record_class: str, prefix: str = "") -> Q:
    """Images of a record class, by the expression that dates them."""
    of_class = ClinicalImage.objects.alias(cls=record_class_expression()).filter(
        cls=record_class
    )
    return Q(**{f"{prefix}pk__in": of_class.values("pk")})


def freeze_filter(prefix: str = "") -> Q:
    """A Q on ClinicalImage (through prefix) of images any active freeze keeps."""
    rule = Q(**{f"{prefix}pk__in": []})
    for freeze in DisposalFreeze.objects.filter(is_active=True):
        scope = Q()
        if freeze.jurisdiction:
            scope &= Q(
                **{f"{prefix}patient__facility__jurisdiction": freeze.jurisdiction}
            )
        if freeze.scope == FreezeScope.CHILDREN:
            children = Patient.objects.filter(_children()).values("pk")
            scope &= Q(**{f"{prefix}patient__in": children})
        elif freeze.scope == FreezeScope.RECORD_CLASS:
            scope &= class_q(freeze.record_class, prefix)
        rule |= scope
    return rule
