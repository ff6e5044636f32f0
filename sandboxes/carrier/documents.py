"""The carrier's documents: a small label PDF (A6 or A4, as Sendcloud's paper sizes) and the labelless QR.

The label is drawn with reportlab so connector tests can read it back (pdftotext finds the tracking number
and the return's external reference); the QR (v2 document type ``qr``) is a PNG made by segno carrying
the tracking number, standing in for what a counter scans to print the label.
"""

from __future__ import annotations

import io
from typing import Final

import segno
from reportlab.graphics.barcode import code128
from reportlab.lib.pagesizes import A4, A5, A6
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from sandboxes.carrier.state import Return

PAPER_SIZES: Final = {"A4": A4, "A5": A5, "A6": A6}


def label_pdf(record: Return, paper_size: str = "A6") -> bytes:
    """One page of ``paper_size``; on A4/A5 the A6 label sits in the top-left corner as carriers print it."""
    buffer = io.BytesIO()
    page = PAPER_SIZES[paper_size]
    pdf = canvas.Canvas(buffer, pagesize=page, invariant=True)
    pdf.setTitle(f"Return label {record.tracking_number}")
    top = page[1] - 10 * mm
    left = 8 * mm
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(left, top, f"RETOUR / RETURN - {record.carrier.replace('_', ' ').upper()}")
    pdf.setFont("Helvetica", 8)
    sender = record.body.get("from_address", {})
    recipient = record.body.get("to_address", {})
    lines = [
        f"De / From: {sender.get('name', '')}, {sender.get('postal_code', '')} {sender.get('city', '')}",
        f"A / To: {recipient.get('name', '')}",
        f"{recipient.get('address_line_1', '')} {recipient.get('house_number', '')}".strip(),
        f"{recipient.get('postal_code', '')} {recipient.get('city', '')} {recipient.get('country_code', '')}",
        f"Ref: {record.external_reference or '-'}  Order: {record.body.get('order_number', '-')}",
        f"Return {record.id} / parcel {record.parcel_id}",
    ]
    for index, line in enumerate(lines):
        pdf.drawString(left, top - (6 + 4 * index) * mm, line)
    barcode = code128.Code128(record.tracking_number or "", barHeight=18 * mm, barWidth=0.9)
    barcode.drawOn(pdf, left - 4 * mm, top - 56 * mm)
    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(left, top - 62 * mm, record.tracking_number or "")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def qr_png(record: Return) -> bytes:
    buffer = io.BytesIO()
    segno.make(record.tracking_number or "", error="m", micro=False).save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()
