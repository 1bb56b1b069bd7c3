"""The data keys: one per image (or per stored object with a key of its own)."""

from django.db import models


class DataKey(models.Model):
    """An image's data key, wrapped by the master key.

    Kept in its own table, keyed by the image's public id rather than a foreign key, so it
    can live in a separate store with short backup retention: destroying this row is what
    makes every copy of the encrypted original unreadable (crypto-shredding).
    """

    image_public_id = models.UUIDField(unique=True)
    wrapped_key = models.BinaryField()
    master_key_id = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Moved from imaging without a schema change: the table keeps its name.
        db_table = "imaging_datakey"
        indexes = [models.Index(fields=["master_key_id"])]

    def __str__(self) -> str:
        return f"key for {self.image_public_id}"
