"""Sample dossiers generated from a seed, because no real health-food dossiers may be published."""

from filingcheck.samples.defects import DEFECTS
from filingcheck.samples.dossier import GENERATOR_VERSION, generate_dossier, generate_many
from filingcheck.samples.scan import ScanLevel

__all__ = ["DEFECTS", "GENERATOR_VERSION", "ScanLevel", "generate_dossier", "generate_many"]
