"""The self-issued label read back as a person and a scanner would: its text through pdftotext, its QR code and
barcode through zbar on a rendered page, its page size through pdfinfo (issue 19)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from carriers.selfissued.adapter import SelfIssuedCarrier
from connector.domain.shipping import LabelDocument, LabelRequest, PackingLine, PaperSize, PostalAddress
from tests.carriers.labels import ENGLISH, FRENCH, URL, label_request
from tests.carriers.readback import decoded_symbols, page_size_points, require_tools, text_of

A6_POINTS = (297.64, 419.53)  # 105 x 148 mm
A4_POINTS = (595.28, 841.89)  # 210 x 297 mm
TIMES = "\u00d7"  # the multiplication sign between a quantity and its line


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tools()


def document(request: LabelRequest, paper: PaperSize = PaperSize.A6) -> LabelDocument:
    label = SelfIssuedCarrier().create_return_label(request, (paper,))
    [made] = label.documents
    assert made.paper_size is paper
    return made


def words(text: str) -> str:
    """pdftotext's layout spaces collapsed, so a test reads lines as they are printed."""
    return re.sub(r"[ \t]+", " ", text)


def test_the_a6_label_shows_the_return_number_both_addresses_and_the_lines_to_pack() -> None:
    text = words(text_of(document(label_request()).pdf))
    assert "R7F3A9C21B04D" in text
    for line in ("Atelier Dupont", "Entrepôt retours", "Zone industrielle, bâtiment C", "33000 Bordeaux"):
        assert line in text  # the merchant's return address
    for line in ("Élodie Martin", "rue des Lilas 12", "69003 Lyon"):
        assert line in text  # the customer's
    assert f"2 {TIMES} Chemise en lin bleue, taille M" in text
    assert f"1 {TIMES} Ceinture en cuir" in text


def test_the_qr_code_gives_back_the_signed_url_and_the_barcode_the_return_number() -> None:
    assert decoded_symbols(document(label_request()).pdf) == ["CODE-128:R7F3A9C21B04D", f"QR-Code:{URL}"]


def test_both_codes_still_read_on_a_coarse_scan() -> None:
    assert decoded_symbols(document(label_request()).pdf, dpi=100) == ["CODE-128:R7F3A9C21B04D", f"QR-Code:{URL}"]


def test_the_page_is_a6_and_a4_when_asked_with_the_same_label_on_it() -> None:
    assert page_size_points(document(label_request()).pdf) == pytest.approx(A6_POINTS, abs=0.01)
    a4 = document(label_request(), PaperSize.A4).pdf
    assert page_size_points(a4) == pytest.approx(A4_POINTS, abs=0.01)
    assert "R7F3A9C21B04D" in text_of(a4)
    assert decoded_symbols(a4) == ["CODE-128:R7F3A9C21B04D", f"QR-Code:{URL}"]


def test_the_french_label_speaks_french() -> None:
    text = words(text_of(document(label_request(FRENCH)).pdf))
    assert "RETOUR À" in text and "EXPÉDITEUR" in text and "DANS LE COLIS" in text
    assert "1. Mettez les articles listés ci-dessus dans le colis, bien protégés." in text
    assert "3. Déposez le colis au bureau de poste de votre choix et gardez le reçu." in text
    assert "Return to".upper() not in text


def test_the_english_label_speaks_english() -> None:
    text = words(text_of(document(label_request(ENGLISH)).pdf))
    assert "RETURN TO" in text and "FROM" in text and "IN THE PARCEL" in text
    assert "2. Stick this label on the parcel and cover any old labels." in text
    assert "Déposez" not in text and "RETOUR" not in text


def test_a_long_step_wraps_instead_of_running_off_the_label() -> None:
    step = "Glissez le bon de retour dans le colis " + "puis refermez-le soigneusement " * 4 + "avant de le déposer."
    text = text_of(document(label_request(replace(FRENCH, instructions=(step,)))).pdf)
    assert " ".join(step.split()) in " ".join(text.split())  # every word, in order
    assert len([line for line in text.splitlines() if "refermez" in line]) >= 2  # over several lines


def test_too_many_steps_are_cut_short_and_leave_room_for_the_lines_to_pack() -> None:
    steps = tuple(f"Étape {n} : relisez attentivement cette consigne avant de continuer." for n in range(1, 21))
    text = words(text_of(document(label_request(replace(FRENCH, instructions=steps))).pdf))
    assert "12. Étape 12" in text and "13. Étape 13" not in text
    assert "\u2026" in text  # the cut is shown
    assert f"2 {TIMES} Chemise en lin bleue, taille M" in text and f"1 {TIMES} Ceinture en cuir" in text


def test_lines_that_do_not_fit_are_counted_not_dropped_silently() -> None:
    many = tuple(PackingLine(f"Article numéro {n}", 1) for n in range(1, 31))
    text = words(text_of(document(label_request(lines=many)).pdf))
    shown = [n for n in range(1, 31) if f"1 {TIMES} Article numéro {n}\n" in text + "\n"]
    assert shown == list(range(1, len(shown) + 1)) and 3 <= len(shown) < 30
    assert f"+{30 - len(shown)}" in text


def test_letters_the_standard_fonts_lack_print_as_their_base_letter() -> None:
    customer = PostalAddress(name="Łucja Wróbel-Őrsi", street="ulica Długa", postal_code="80-831", city="Gdańsk",
                             country="PL")
    text = words(text_of(document(label_request(sender=customer)).pdf))
    assert "Lucja Wróbel-Orsi" in text  # ó is Windows-1252; Ł and Ő are not
    assert "80-831 Gdansk" in text


def test_the_same_request_gives_the_same_bytes_and_another_return_other_bytes() -> None:
    first = document(label_request()).pdf
    assert document(label_request()).pdf == first  # a label made again after a lost answer is the stored one
    other = label_request(return_id="R000000000777", verification_url=URL.replace("R7F3A9C21B04D", "R000000000777"))
    assert document(other).pdf != first
