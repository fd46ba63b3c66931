"""The pages' compiled templates outlive the process (Jinja's bytecode cache).

A restarted server compiled every page template again in its warm-up (about 0.4 s
of CPU, 0.03 s when read back from the cache).
"""

from trajectoires.web.templating import make_templates

PAGE = "territory/unit.html"


def test_a_new_environment_reads_the_pages_compiled_by_an_earlier_one():
    first = make_templates().env
    first.get_template(PAGE)  # compiled, and written to the cache
    second = make_templates().env
    cache = second.bytecode_cache
    assert cache is not None
    source, filename, _ = second.loader.get_source(second, PAGE)
    bucket = cache.get_bucket(second, PAGE, filename, source)
    assert bucket.code is not None  # what a new process finds instead of compiling
    assert second.get_template(PAGE).render is not None
