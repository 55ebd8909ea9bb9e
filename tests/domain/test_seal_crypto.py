"""Row seals are computed with the common types inline (seal_crypto._parts): every seal must stay
exactly what the plain encoding gives, or every stored seal would fail."""
import hashlib
import hmac

from hypothesis import given, strategies as st

from clinic_app.domain import seal_crypto

KEY = b"k" * 20
values = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(),
                   st.binary(max_size=40))


def plain_seal(key, table, row_id, columns, row) -> str:
    enc = seal_crypto._encode
    head = f"{enc(table)}|{enc(str(row_id))}"
    parts = [f"{enc(c)}={enc(v)}" for c, v in zip(columns, row)]
    mac = hmac.new(key, (head + "|" + "|".join(parts)).encode("utf-8"), hashlib.sha256).hexdigest()
    return mac + "".join(hmac.new(key, f"{head}|col|{p}".encode("utf-8"), hashlib.sha256).hexdigest()[:4]
                         for p in parts)


@given(st.lists(st.tuples(st.text(min_size=1, max_size=8), values), max_size=8), st.integers())
def test_a_seal_is_the_plain_encoding_s(cells, row_id):
    columns = [c for c, _ in cells]
    row = [v for _, v in cells]
    assert seal_crypto.row_seal(KEY, "t", row_id, columns, row) == plain_seal(KEY, "t", row_id, columns, row)
    assert seal_crypto.row_seal(KEY, "t", row_id, columns, row, tags=False) == plain_seal(
        KEY, "t", row_id, columns, row)[:64]
