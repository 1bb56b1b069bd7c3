"""Finding a patient: only among the patients the caller may see."""

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.acting import acting_user
from audit.services import Action, record_event
from imaging.serializers import PatientSerializer
from records.models import Encounter, Patient, PatientIdentifier
from records.search import record_patient_search
from records.selectors import patient_for, patients_visible_to

SEARCH_LIMIT = 100


class PatientPagination(CursorPagination):
    ordering = ("family_name", "given_names", "id")
    page_size = 25


def search_patients(patients: QuerySet[Patient], term: str) -> QuerySet[Patient]:
    """An exact MRN (a scanned wristband) or the start of any name."""
    term = term.strip()[:SEARCH_LIMIT]
    if not term:
        return patients
    rule = Q(mrn__iexact=term)
    for word in term.split():
        rule |= Q(family_name__istartswith=word) | Q(given_names__istartswith=word)
    if len(term) >= 3:
        rule |= Q(mrn__startswith=term)
    return patients.filter(rule)


@extend_schema(
    summary="Find patients the caller may see",
    parameters=[
        OpenApiParameter(
            "search",
            str,
            description="An MRN (exact, or its first digits) or the start of a name.",
        )
    ],
)
class PatientList(ListAPIView[Patient]):
    serializer_class = PatientSerializer
    pagination_class = PatientPagination

    def get_queryset(self) -> QuerySet[Patient]:
        patients = patients_visible_to(self.request.user)
        criteria = search_criteria(self.request)
        if criteria["mrn"]:
            patients = patients_with_mrn(patients, criteria["mrn"])
        return search_patients(patients, criteria["search"])

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Names, MRNs and dates of birth are a read of the record: audited as the
        # search page is, with the criteria and the patients this page returned.
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset())) or []
        record_patient_search(
            actor=acting_user(request),
            criteria=search_criteria(request),
            found=page,
            request=request._request,
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def search_criteria(request: Request) -> dict[str, str]:
    """The search and MRN asked for; a NUL (no name or MRN has one) is refused, 400."""
    criteria = {
        key: request.query_params.get(key, "").strip()[:SEARCH_LIMIT]
        for key in ("search", "mrn")
    }
    for key, value in criteria.items():
        if "\x00" in value:
            raise ValidationError({key: ["Null characters are not allowed."]})
    return criteria


def patients_with_mrn(patients: QuerySet[Patient], mrn: str) -> QuerySet[Patient]:
    """An exact MRN; a merged patient's MRN finds the survivor (DESIGN §9)."""
    survivors = Patient.objects.filter(mrn=mrn, merged_into__isnull=False).values(
        "merged_into"
    )
    return patients.filter(Q(mrn=mrn, merged_into__isnull=True) | Q(pk__in=survivors))


class IdentifierSerializer(serializers.ModelSerializer[PatientIdentifier]):
    class Meta:
        model = PatientIdentifier
        fields = ["type", "system", "value"]


class EncounterSerializer(serializers.ModelSerializer[Encounter]):
    facility = serializers.CharField(source="ward.facility.code", read_only=True)
    ward = serializers.CharField(source="ward.code", read_only=True)

    class Meta:
        model = Encounter
        fields = ["visit_number", "facility", "ward", "started_at", "ended_at"]


class PatientDetailSerializer(PatientSerializer):
    identifiers = IdentifierSerializer(many=True, read_only=True)
    encounters = EncounterSerializer(many=True, read_only=True)
    merged_into = serializers.SerializerMethodField()

    class Meta(PatientSerializer.Meta):
        fields = [
            *PatientSerializer.Meta.fields,
            "identifiers",
            "encounters",
            "merged_into",
        ]

    def get_merged_into(self, patient: Patient) -> str | None:
        survivor = patient.merged_into
        return str(survivor.public_id) if survivor is not None else None


@extend_schema(summary="A patient the caller may see, with identifiers and encounters")
class PatientDetail(RetrieveAPIView[Patient]):
    serializer_class = PatientDetailSerializer

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        patient = patient_for(request.user, kwargs["patient_id"])
        with transaction.atomic():
            record_event(
                actor=acting_user(request),
                action=Action.VIEW,
                target=patient,
                patient=patient,
                request=request,
            )
        return Response(self.get_serializer(patient).data)
