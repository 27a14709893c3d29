"""Rules are data: YAML files validated into immutable, compiled rule objects."""
from healthlint.rules.loader import RulePack, builtin_pack_dir, load_pack, load_packs
from healthlint.rules.model import Rule

__all__ = ["Rule", "RulePack", "builtin_pack_dir", "load_pack", "load_packs"]
