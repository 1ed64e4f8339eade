"""Enabling a shop and writing its catalogue: collections, products, team tiers, SKUs, prices
and the CSV catalogue import."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from miniprograms import services as miniprogram_services
from miniprograms.shop import locks, selectors, storefront
from miniprograms.shop.errors import (
    COLLECTION_EXISTS,
    CSV_TOO_LARGE,
    INVALID_OPTIONS,
    INVALID_PRICE,
    PRODUCT_EXISTS,
    PRODUCT_INCOMPLETE,
    PRODUCT_NOT_FOUND,
    SHOP_ALREADY_ENABLED,
    SKU_EXISTS,
    SKU_NOT_FOUND,
    TOO_MANY_IMAGES,
    UNSUPPORTED_CURRENCY,
    VALUE_OUT_OF_RANGE,
)
from miniprograms.shop.models import (
    MAX_STOCK,
    CatalogueImport,
    Collection,
    Product,
    Shop,
    Sku,
    SkuPrice,
    TeamTier,
)
from superapp.core.errors import Conflict, DomainError, InvalidInput, NotFound
from superapp.core.updates import model_update
from superapp.media import selectors as media_selectors
from superapp.official.selectors import MANAGERS, brand_for_member

logger = logging.getLogger(__name__)

# --- Shop ----------------------------------------------------------------------------------------


@transaction.atomic
def shop_enable(*, actor, brand_id: int, name: str = "", currency: str = "EUR") -> Shop:
    """Open the brand's shop: a mini-program of the brand's developer organisation, peer of
    third-party apps (its own app_id and OAuth client, used for pay orders)."""
    brand = brand_for_member(brand_id=brand_id, user=actor, roles=MANAGERS)
    if Shop.objects.filter(brand=brand).exists():
        raise Conflict("This brand already has a shop.", code=SHOP_ALREADY_ENABLED)
    name = name or f"{brand.name} Shop"
    miniprogram, _secret = miniprogram_services.miniprogram_register(
        actor=actor, organisation=brand.developer_organisation, name=name
    )
    shop = Shop.objects.create(brand=brand, miniprogram=miniprogram, name=name, currency=currency)
    _storefront_release(shop)
    return shop


def _storefront_release(shop: Shop) -> None:
    """The shop's mini-program serves the built storefront at once; without a build (a
    checkout that never ran `make web-build`) the shop opens anyway and says so in the log;
    ``manage.py storefront_release`` releases it later."""
    try:  # the one refusal, before anything is written: no savepoint needed to go on
        files = storefront.built_files()
    except Conflict as exc:
        logger.warning("storefront not released for shop %s: %s", shop.pk, exc.detail)
        return
    storefront.storefront_release_nested(shop=shop, files=files)


# --- Catalogue -----------------------------------------------------------------------------------


@transaction.atomic
def collection_create(*, actor, shop_id: int, title: str) -> Collection:
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor, roles=MANAGERS)
    try:
        with transaction.atomic():
            return Collection.objects.create(shop=shop, title=title)
    except IntegrityError as exc:
        raise Conflict("A collection with this title exists.", code=COLLECTION_EXISTS) from exc


def _collections_of(shop: Shop, collection_ids: list[int]) -> list[Collection]:
    found = list(Collection.objects.filter(shop=shop, pk__in=collection_ids))
    if len(found) != len(set(collection_ids)):
        raise InvalidInput(fields={"collection_ids": ["Unknown collection for this shop."]})
    return found


_WEB_URL = URLValidator(schemes=["http", "https"])


def _image_urls(actor, references: list, purpose: str) -> list[str]:
    """Upload ids (the actor's own public uploads for ``purpose``) become their lasting
    addresses; URLs stay."""
    return media_selectors.public_image_urls(actor=actor, references=references, purpose=purpose)


def _check_images(images: list[str]) -> None:
    if len(images) > settings.SHOP_MAX_PRODUCT_IMAGES:
        raise InvalidInput(
            fields={"images": [f"At most {settings.SHOP_MAX_PRODUCT_IMAGES} images."]},
            code=TOO_MANY_IMAGES,
        )
    for image in images:
        try:
            _WEB_URL(image)
        except DjangoValidationError as exc:
            raise InvalidInput(fields={"images": ["Each image is an http(s) URL."]}) from exc


def _set_team_tiers(product: Product, tiers: list[dict]) -> None:
    sizes = [t["size"] for t in tiers]
    discounts = [t["discount_percent"] for t in sorted(tiers, key=lambda t: t["size"])]
    if len(set(sizes)) != len(sizes) or discounts != sorted(set(discounts)):
        raise InvalidInput(
            fields={"team_tiers": ["Sizes must be distinct; bigger teams get bigger discounts."]}
        )
    product.team_tiers.all().delete()
    TeamTier.objects.bulk_create(TeamTier(product=product, **t) for t in tiers)


@transaction.atomic
def product_create(
    *,
    actor,
    shop_id: int,
    handle: str,
    title: str,
    description: str = "",
    images: list[str] | None = None,
    option_names: list[str] | None = None,
    collection_ids: list[int] | None = None,
    team_tiers: list[dict] | None = None,
) -> Product:
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor, roles=MANAGERS)
    return _product_create(
        shop=shop,
        handle=handle,
        title=title,
        description=description,
        images=_image_urls(actor, images or [], "product"),
        option_names=option_names or [],
        collections=_collections_of(shop, collection_ids or []),
        team_tiers=team_tiers or [],
    )


def _product_create(
    *, shop, handle, title, description, images, option_names, collections, team_tiers
):
    _check_images(images)
    try:
        with transaction.atomic():
            product = Product.objects.create(
                shop=shop,
                handle=handle,
                title=title,
                description=description,
                images=images,
                option_names=option_names,
            )
    except IntegrityError as exc:
        raise Conflict("A product with this handle exists.", code=PRODUCT_EXISTS) from exc
    product.collections.set(collections)
    _set_team_tiers(product, team_tiers)
    return product


def _staff_product(actor, shop_id: int, product_id: int) -> Product:
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor, roles=MANAGERS)
    product = locks.products().filter(shop=shop, pk=product_id).first()
    if product is None:
        raise NotFound("No such product.", code=PRODUCT_NOT_FOUND)
    return product


PRODUCT_EDITABLE = ("title", "description", "images")


@transaction.atomic
def product_update(*, actor, shop_id: int, product_id: int, **changes) -> Product:
    """Change the given fields (title, description, images, collection_ids, team_tiers)."""
    product = _staff_product(actor, shop_id, product_id)
    relations_given = "collection_ids" in changes or "team_tiers" in changes
    if "collection_ids" in changes:
        product.collections.set(_collections_of(product.shop, changes.pop("collection_ids")))
    if "team_tiers" in changes:
        _set_team_tiers(product, changes.pop("team_tiers"))
    if "images" in changes:
        # Upload ids become addresses first: the check is of what is stored.
        changes["images"] = _image_urls(actor, changes["images"], "product")
        _check_images(changes["images"])
    if not model_update(product, changes, fields=PRODUCT_EDITABLE) and relations_given:
        product.save(update_fields=["updated_at"])  # its collections or team tiers changed
    return product


@transaction.atomic
def product_publish(*, actor, shop_id: int, product_id: int, published: bool) -> Product:
    """Publishing needs at least one SKU with a price; unpublishing hides it from buyers."""
    product = _staff_product(actor, shop_id, product_id)
    _set_published(product, published)
    return product


def _set_published(product: Product, published: bool) -> None:
    if published and not SkuPrice.objects.filter(sku__product=product).exists():
        raise DomainError("Add a priced SKU before publishing.", code=PRODUCT_INCOMPLETE)
    product.status = Product.Status.PUBLISHED if published else Product.Status.DRAFT
    product.published_at = timezone.now() if published else None
    product.save(update_fields=["status", "published_at", "updated_at"])


def _check_options(product: Product, options: dict) -> None:
    if sorted(options) != sorted(product.option_names):
        raise InvalidInput(
            fields={"options": [f"Give exactly the options {product.option_names}."]},
            code=INVALID_OPTIONS,
        )


def _set_prices(sku: Sku, prices: list[dict]) -> None:
    for price in prices:
        if price["currency"] not in settings.PAYMENTS_CURRENCIES:
            raise InvalidInput(
                fields={"currency": [f"One of {', '.join(settings.PAYMENTS_CURRENCIES)}."]},
                code=UNSUPPORTED_CURRENCY,
            )
        if price["amount"] > settings.PAYMENTS_MAX_AMOUNT:
            raise InvalidInput(
                fields={"price": [f"At most {settings.PAYMENTS_MAX_AMOUNT}."]}, code=INVALID_PRICE
            )
        compare_at = price.get("compare_at_amount")
        if compare_at is not None and compare_at <= price["amount"]:
            raise InvalidInput(
                fields={"compare_at_amount": ["Must be above the price."]}, code=INVALID_PRICE
            )
        SkuPrice.objects.update_or_create(
            sku=sku,
            currency=price["currency"],
            defaults={"amount": price["amount"], "compare_at_amount": compare_at},
        )


@transaction.atomic
def sku_create(
    *,
    actor,
    shop_id: int,
    product_id: int,
    code: str,
    options: dict,
    stock: int,
    prices: list[dict],
) -> Sku:
    product = _staff_product(actor, shop_id, product_id)
    return _sku_create(product=product, code=code, options=options, stock=stock, prices=prices)


def _sku_create(*, product, code, options, stock, prices) -> Sku:
    _check_options(product, options)
    try:
        with transaction.atomic():
            sku = Sku.objects.create(
                product=product, shop=product.shop, code=code, options=options, stock=stock
            )
    except IntegrityError as exc:
        raise Conflict("A SKU with this code or these options exists.", code=SKU_EXISTS) from exc
    _set_prices(sku, prices)
    return sku


@transaction.atomic
def sku_update(
    *, actor, shop_id: int, sku_id: int, stock: int | None = None, prices: list | None = None
) -> Sku:
    """Set the stock on hand (what is left to sell) and/or prices of a SKU."""
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor, roles=MANAGERS)
    sku = Sku.objects.filter(shop=shop, pk=sku_id).first()
    if sku is None:
        raise NotFound("No such SKU.", code=SKU_NOT_FOUND)
    if stock is not None:
        Sku.objects.filter(pk=sku.pk).update(stock=stock)
    _set_prices(sku, prices or [])
    sku.refresh_from_db()
    return sku


# --- CSV catalogue import ------------------------------------------------------------------------

CSV_COLUMNS = [
    "handle",
    "title",
    "description",
    "collections",
    "images",
    "sku",
    "options",
    "stock",
    "currency",
    "price",
    "compare_at_price",
    "published",
]


def _csv_row_values(row: dict) -> dict:
    """Parse one CSV row (one SKU) or raise InvalidInput naming each bad column."""
    errors: dict[str, list[str]] = {}

    def integer(column: str, required: bool = True) -> int | None:
        raw = (row.get(column) or "").strip()
        if not raw and not required:
            return None
        if not raw.isdigit():
            errors[column] = ["Must be a whole number (minor units for prices)."]
            return None
        return int(raw)

    def listed(column: str) -> list[str]:
        return [v.strip() for v in (row.get(column) or "").split(";") if v.strip()]

    options = {}
    for pair in listed("options"):
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            errors["options"] = ["Write options as name=value;name=value."]
        options[name.strip()] = value.strip()
    for column in ("handle", "title", "sku", "currency"):
        if not (row.get(column) or "").strip():
            errors[column] = ["This column is required."]
    currency = (row.get("currency") or "").strip().upper()
    if currency and (len(currency) != 3 or not currency.isalpha()):
        errors["currency"] = ["Use an ISO-4217 code."]
    values = {
        "handle": (row.get("handle") or "").strip(),
        "title": (row.get("title") or "").strip(),
        "description": row.get("description") or "",
        "collections": listed("collections"),
        "images": listed("images"),
        "code": (row.get("sku") or "").strip(),
        "options": options,
        "stock": integer("stock"),
        "prices": [
            {
                "currency": currency,
                "amount": integer("price"),
                "compare_at_amount": integer("compare_at_price", required=False),
            }
        ],
        "published": (row.get("published") or "").strip().lower() in ("1", "yes", "true"),
    }
    if values["prices"][0]["amount"] == 0:
        errors["price"] = ["Must be positive."]
    errors.update(_csv_shape_errors(values))
    if errors:
        raise InvalidInput(fields=errors)
    return values


def _csv_shape_errors(values: dict) -> dict[str, list[str]]:
    """What the API's serializers (ProductInput, SkuInput) would refuse in a parsed row;
    images, currencies and amounts are checked where both paths write them."""
    errors = {}
    if values["handle"]:
        try:
            validate_slug(values["handle"])
        except DjangoValidationError:
            errors["handle"] = ["Letters, digits, hyphens and underscores only."]
    limits = {"handle": 100, "title": 200, "code": 64}
    for field, limit in limits.items():
        if len(values[field]) > limit:
            errors["sku" if field == "code" else field] = [f"At most {limit} characters."]
    if any(len(name) > 32 or len(value) > 64 for name, value in values["options"].items()):
        errors["options"] = ["Option names hold 32 characters at most, values 64."]
    if len(values["options"]) > 3:
        errors["options"] = ["At most 3 options."]
    if (values["stock"] or 0) > MAX_STOCK:
        errors["stock"] = [f"At most {MAX_STOCK}."]
    return errors


def _import_row(shop: Shop, values: dict) -> str:
    """Upsert the row's product (by handle) and SKU (by code); answers what it did."""
    product = Product.objects.filter(shop=shop, handle=values["handle"]).first()
    if product is None:
        collections = [
            Collection.objects.get_or_create(shop=shop, title=title)[0]
            for title in values["collections"]
        ]
        product = _product_create(
            shop=shop,
            handle=values["handle"],
            title=values["title"],
            description=values["description"],
            images=values["images"],
            option_names=sorted(values["options"]),
            collections=collections,
            team_tiers=[],
        )
    sku = Sku.objects.filter(shop=shop, code=values["code"]).first()
    if sku is not None and sku.product_id != product.pk:
        raise Conflict("This SKU code belongs to another product.", code=SKU_EXISTS)
    if sku is None:
        _sku_create(
            product=product,
            code=values["code"],
            options=values["options"],
            stock=values["stock"],
            prices=values["prices"],
        )
        outcome = "created"
    else:
        Sku.objects.filter(pk=sku.pk).update(stock=values["stock"])
        _set_prices(sku, values["prices"])
        outcome = "updated"
    if values["published"] and product.status != Product.Status.PUBLISHED:
        _set_published(product, True)
    return outcome


def _error_fields(error: DomainError) -> dict:
    return error.extra.get("fields") or {"row": [str(error.detail)]}


def _import_one(shop: Shop, number: int, row: dict, report: dict) -> None:
    """Apply one CSV row in its own savepoint, or add its refusal to ``report``."""
    try:
        with transaction.atomic():
            report[_import_row(shop, _csv_row_values(row))] += 1
    except DomainError as error:
        report["errors"].append({"row": number, "code": error.code, "fields": _error_fields(error)})
    except DataError:  # a value the database cannot hold: this row only
        report["errors"].append(
            {"row": number, "code": VALUE_OUT_OF_RANGE, "fields": {"row": ["Out of range."]}}
        )


def _check_row_count(rows: list[dict]) -> None:
    if len(rows) > settings.SHOP_MAX_CSV_ROWS:
        raise InvalidInput(
            f"At most {settings.SHOP_MAX_CSV_ROWS} rows per import.", code=CSV_TOO_LARGE
        )


@transaction.atomic
def catalogue_import(*, actor, shop_id: int, rows: list[dict]) -> dict:
    """Import CSV rows (one SKU each). Good rows are applied, each in its own savepoint; bad
    ones are reported by row number (the header is row 1) and change nothing."""
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor, roles=MANAGERS)
    _check_row_count(rows)
    report = {"rows": len(rows), "created": 0, "updated": 0, "errors": []}
    for number, row in enumerate(rows, start=2):
        _import_one(shop, number, row, report)
    return report


@transaction.atomic
def catalogue_import_start(*, actor, shop_id: int, rows: list[dict]) -> CatalogueImport:
    """Queue an import of CSV rows; the ``shop.run_catalogue_import`` task applies them a
    batch at a time, so its progress (``processed`` of ``total``) can be followed."""
    shop = selectors.shop_for_staff(shop_id=shop_id, user=actor, roles=MANAGERS)
    _check_row_count(rows)
    job = CatalogueImport.objects.create(shop=shop, actor=actor, rows=rows, total=len(rows))
    from miniprograms.shop.tasks import run_catalogue_import

    transaction.on_commit(lambda: run_catalogue_import.delay(job.pk), robust=True)
    return job


IMPORT_BATCH = 25


def catalogue_import_run(*, import_id: int) -> CatalogueImport | None:
    """Apply the import's remaining rows, one committed batch at a time (each row in its own
    savepoint). A rerun (a retried task) resumes after the last committed batch."""
    while True:
        with transaction.atomic():
            job = (
                locks.catalogue_imports()
                .select_related("shop")
                .filter(pk=import_id)
                .exclude(status=CatalogueImport.Status.DONE)
                .first()
            )
            if job is None:
                return None
            batch = job.rows[job.processed : job.processed + IMPORT_BATCH]
            report = {"created": 0, "updated": 0, "errors": []}
            for offset, row in enumerate(batch):
                _import_one(job.shop, job.processed + offset + 2, row, report)
            job.processed += len(batch)
            job.created += report["created"]
            job.updated += report["updated"]
            job.errors = [*job.errors, *report["errors"]]
            job.status = CatalogueImport.Status.RUNNING
            if job.processed >= job.total:
                job.status, job.finished_at, job.rows = (
                    CatalogueImport.Status.DONE,
                    timezone.now(),
                    [],
                )
            job.save()
            if job.status == CatalogueImport.Status.DONE:
                return job
