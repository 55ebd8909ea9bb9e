"""The shipped font must embed in PDFs and carry Chinese, Latin letters and digits."""
import io

from pypdf import PdfReader
from reportlab.pdfgen import canvas

from clinic_app import paths
from clinic_app.documents.fonts import register


def test_font_and_its_licence_ship_in_resources():
    assert paths.font_path().stat().st_size > 1_000_000
    licence = paths.resource("fonts", "LICENSE-wqy-microhei.txt").read_text(encoding="utf-8")
    assert "Apache-2.0" in licence


def test_pdf_embeds_the_font_and_its_text_extracts():
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.setFont(register(), 12)
    pdf.drawString(72, 720, "张三 500381198001011234 金额 123.45 元")
    pdf.save()
    reader = PdfReader(io.BytesIO(buffer.getvalue()))
    text = reader.pages[0].extract_text()
    assert "张三" in text and "500381198001011234" in text and "123.45" in text
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    ours = [f for f in fonts if "WenQuanYiMicroHei" in f["/BaseFont"]]
    assert ours, "the CJK font is not used"
    assert all("/FontFile2" in f["/FontDescriptor"].get_object() for f in ours), "not embedded"
