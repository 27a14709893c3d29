"""The README's quick start lints examples/: the violating articles report, the careful ones stay clean."""
from tests.conftest import ROOT

from healthlint.pipeline import Linter

CORE = ["unhedged-cure-claim", "unqualified-safety-claim", "undisclosed-affiliate-link", "missing-clinician-referral"]


def test_examples_folder():
    result = Linter(select=CORE).lint_paths([str(ROOT / "examples")])
    by_file = {}
    for d in result.diagnostics:
        by_file.setdefault(d.path.rsplit("/", 1)[-1], set()).add(d.rule)
    assert not result.errors
    assert by_file["detox-tea-listing.txt"] == {
        "unhedged-cure-claim", "unqualified-safety-claim", "undisclosed-affiliate-link", "missing-clinician-referral"}
    assert by_file["elderberry-immune-gummies.md"] == {
        "unhedged-cure-claim", "unqualified-safety-claim", "undisclosed-affiliate-link", "missing-clinician-referral"}
    assert "apple-cider-vinegar-guide.md" not in by_file
    assert "zinc-lozenges-patient-leaflet.txt" not in by_file
