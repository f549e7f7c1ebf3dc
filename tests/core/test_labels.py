"""The shared label renderer and the date labels of prep batches."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from boh_core.errors import BohError
from boh_core.labels import DateLabelCaptions, date_label, labels_pdf

URL = "https://boh.example.com/odoo/stock.lot/42"


def _label(**kwargs):
    values = {
        "item": "Tomato sauce",
        "prepared_at": datetime(2031, 3, 10, 22, 30),
        "use_by": datetime(2031, 3, 13, 22, 30),
        "tz": "Asia/Shanghai",
        "made_by": "Li Wei",
        "allergens": ["Celery", "Mustard"],
        "url": URL,
    }
    values.update(kwargs)
    return date_label(**values)


def test_date_label_prints_times_in_the_stores_zone() -> None:
    label = _label()
    texts = [line.text for line in label.lines]
    # 22:30 UTC is 06:30 the next morning in Shanghai
    assert texts == [
        "Tomato sauce",
        "Prepared: 2031-03-11 06:30",
        "Use by: 2031-03-14 06:30",
        "By: Li Wei",
        "Allergens: Celery, Mustard",
    ]
    assert label.url == URL


def test_date_label_in_the_readers_words() -> None:
    captions = DateLabelCaptions("制作", "食用期限", "制作人", "过敏原", "无")
    texts = [line.text for line in _label(allergens=[], captions=captions).lines]
    assert texts[1] == "制作: 2031-03-11 06:30"
    assert texts[-1] == "过敏原: 无"


def test_unknown_time_zone_is_refused() -> None:
    with pytest.raises(BohError) as caught:
        _label(tz="Mars/Olympus")
    assert caught.value.field == "tz"


def test_roll_prints_one_50_by_30_mm_label_a_page() -> None:
    pdf = labels_pdf([_label(), _label(item="酱汁")], layout="roll", size_mm=(50, 30))
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 2
    # 50 x 30 mm in points
    assert re.search(rb"/MediaBox \[ 0 0 141\.7\d* 85\.03\d* \]", pdf)
    assert b"STSong-Light" in pdf
    assert labels_pdf([_label()], layout="roll") == labels_pdf([_label()], layout="roll")


def test_sheet_prints_twelve_labels_an_a4_page() -> None:
    pdf = labels_pdf([_label()] * 13, layout="sheet")
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 2
    assert re.search(rb"/MediaBox \[ 0 0 595\.27\d* 841\.88\d* \]", pdf)


@pytest.mark.parametrize(
    ("labels", "kwargs", "field"),
    [
        ([], {}, "labels"),
        (["label"], {}, "labels"),
        ([None], {"layout": "roll"}, "labels"),
        (["x"], {"layout": "fold"}, "labels"),
    ],
)
def test_bad_input_is_refused(labels, kwargs, field) -> None:
    with pytest.raises(BohError) as caught:
        labels_pdf(labels, **kwargs)
    assert caught.value.field == field


def test_bad_layout_and_size_are_refused() -> None:
    with pytest.raises(BohError) as caught:
        labels_pdf([_label()], layout="fold")
    assert caught.value.field == "layout"
    with pytest.raises(BohError) as caught:
        labels_pdf([_label()], layout="roll", size_mm=(10, 10))
    assert caught.value.field == "size_mm"
