"""The garbage collector is paused for a large document, and always runs again afterwards."""


def test_the_collector_runs_again_after_a_large_document_and_pauses_nest():
    import gc
    import threading

    from healthlint.collector import collector_paused
    from healthlint.pipeline import Linter

    assert gc.isenabled()
    Linter().lint_text("Kratom cures depression.\n\n" * 20_000, "big.md")
    assert gc.isenabled()
    inner_done = threading.Event()
    with collector_paused():
        def other():
            with collector_paused():
                pass
            inner_done.set()
        threading.Thread(target=other).start()
        inner_done.wait(5)
        assert not gc.isenabled()  # the other thread's pause ended, this one has not
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # a collector the host turned off stays off
    finally:
        gc.enable()
