"""Whatever a developer puts in app.json, validation answers a 400 with a code or accepts a
manifest that really is valid — never a crash."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from miniprograms import bundles
from miniprograms.models import APP_SCOPES
from superapp.core.errors import InvalidInput
from tests.miniprograms.factories import PAGES, bundle_bytes

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=10,
)
manifests = st.fixed_dictionaries(
    {},
    optional={
        "name": json_values | st.text(max_size=80),
        "pages": json_values | st.lists(st.sampled_from([*PAGES, "x/../y", "pages/none"])),
        "entry_page": json_values | st.sampled_from(PAGES),
        "scopes": json_values | st.lists(st.sampled_from([*APP_SCOPES, "root"])),
    },
)


@settings(max_examples=150, deadline=None)
@given(manifest=manifests | json_values)
def test_any_manifest_is_either_valid_or_refused_with_a_code(manifest):
    data = bundle_bytes(raw_manifest=json.dumps(manifest).encode())
    try:
        checked = bundles.bundle_check(data, allowed_scopes=list(APP_SCOPES))
    except InvalidInput as exc:
        assert exc.code in {"invalid_manifest", "invalid_bundle"}
        return
    assert 1 <= len(checked.manifest["name"]) <= 64
    assert checked.manifest["entry_page"] in checked.manifest["pages"]
    assert set(checked.manifest["pages"]) <= set(PAGES)
    assert set(checked.manifest["scopes"]) <= set(APP_SCOPES)
