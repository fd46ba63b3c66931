"""A commune's neighbours: the outlines' boxes are kept beside the reference."""

from trajectoires.territory.neighbours import NeighbourIndex


def test_a_restarted_server_reads_the_kept_boxes(fixture_reference):
    """Every outline was read and bounded again at each start (about 0.35 s on France)."""
    from trajectoires.territory.neighbours import _BOXES, _read_boxes

    first = NeighbourIndex(fixture_reference).neighbours("29232")
    assert (fixture_reference.folder / _BOXES).is_file()
    kept = _read_boxes(fixture_reference)
    assert kept is not None
    codes, _ = kept
    assert list(codes) == list(fixture_reference.communes_of(fixture_reference.france).index)
    assert NeighbourIndex(fixture_reference).neighbours("29232") == first and first
    assert NeighbourIndex(fixture_reference).neighbours("29155") == []  # Ouessant, an island


def test_damaged_kept_boxes_are_computed_again(fixture_reference):
    from trajectoires.territory.neighbours import _BOXES

    NeighbourIndex(fixture_reference).neighbours("29232")
    (fixture_reference.folder / _BOXES).write_bytes(b"not an archive")
    assert NeighbourIndex(fixture_reference).neighbours("29232")  # computed, written again
    assert (fixture_reference.folder / _BOXES).read_bytes() != b"not an archive"
