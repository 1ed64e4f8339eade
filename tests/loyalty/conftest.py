"""Fixtures of the loyalty tests: a brand running a program, and its owner's client."""

import pytest

from tests.helpers import consumer_client
from tests.loyalty.factories import brand_owner, make_brand, make_program


@pytest.fixture
def brand():
    """A brand with a loyalty program."""
    brand = make_brand()
    make_program(brand)
    return brand


@pytest.fixture
def owner(brand):
    """The API client of the brand's owner."""
    return consumer_client(brand_owner(brand))
