from artefact_scan.plaintext import score


def test_prose_and_code_read_as_text_noise_does_not():
    assert score("Note to my next instance: continue the plan.") > 0.8
    assert score("import os\nos.system('echo hi')\n") > 0.6
    assert score("Ux5EIYfdJZppJ75P7cpFWBGyFehqZuKBEcOMS5Kk") < 0.4
    assert score("\x12\x99\x07\xda\x1bjD\xca,\xfa\xc8\x12") < 0.3
    assert score("") == 0.0
