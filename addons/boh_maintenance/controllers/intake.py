"""The public repair page that a QR label opens: no login, one form, one request."""

import logging

from odoo import http
from odoo.http import request

from boh_core.errors import BohError
from boh_core.maintenance.images import sanitize_photo
from boh_core.maintenance.tokens import token_digest

_logger = logging.getLogger(__name__)

MAX_PHOTO_BYTES = 10 * 1024 * 1024
#: The request's photo field keeps at most this many pixels on the longer side.
MAX_PHOTO_SIDE = 1920
# The photo plus the text fields and multipart overhead; bigger bodies are refused unread.
MAX_BODY_BYTES = MAX_PHOTO_BYTES + 256 * 1024
MAX_DESCRIPTION = 4000
MAX_NAME = 100
MAX_PHONE = 40
SECURITY_HEADERS = [
    ("Cache-Control", "no-store"),
    # The token is in the URL: never leak it to another site through the Referer header.
    ("Referrer-Policy", "no-referrer"),
    ("X-Robots-Tag", "noindex, nofollow"),
    ("X-Content-Type-Options", "nosniff"),
]


class BohRepairIntake(http.Controller):
    """GET shows the form for the labelled equipment; POST files the repair request."""

    @http.route(
        "/boh/repair/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        # CSRF is checked below, after the rate limit and without logging a warning per
        # forged post, and the answer is our own polite page.
        csrf=False,
        sitemap=False,
        max_content_length=MAX_BODY_BYTES,
    )
    def repair_intake(self, token, **post):
        """Show the repair form (GET, HEAD) or file the repair request (POST).

        Only a complete, CSRF-valid report counts against the label's and the address's
        limits. A request for an unknown label counts only against the address's bad-label
        budget, which a real label's report never draws on; nothing else of it is written.
        """
        self._set_language()
        hits = request.env["boh.maintenance.intake.hit"].sudo()
        limits = hits._limits()
        # behind a proxy, Odoo's proxy_mode makes this the client's address (X-Forwarded-For)
        address = request.httprequest.remote_addr or "unknown"
        equipment = request.env["maintenance.equipment"].sudo()._boh_find_by_token(token)
        if not equipment:
            bad_label = (
                "bad_token",
                address,
                limits["bad_token_limit"],
                limits["bad_token_minutes"],
            )
            if not self._count_once(hits, [bad_label]):
                return self._render("boh_maintenance.intake_rate_limited", {}, 429)
            return self._render("boh_maintenance.intake_invalid", {}, 404)
        values = self._form_values(equipment, post)
        # HEAD is answered like GET (Werkzeug sends no body): it never takes the POST path
        if request.httprequest.method != "POST":
            return self._render("boh_maintenance.intake_form", values, 200)
        if not request.validate_csrf(post.get("csrf_token")):
            return self._render("boh_maintenance.intake_expired", {}, 400)
        report = self._complete_report(values)
        if report is None:
            return self._render("boh_maintenance.intake_form", values, 400)
        counted = [
            ("address", address, limits["address_limit"], limits["address_minutes"]),
            ("token", token_digest(token), limits["token_limit"], limits["token_minutes"]),
        ]
        if not self._count_once(hits, counted):
            return self._render("boh_maintenance.intake_rate_limited", {}, 429)
        return self._submit(equipment, values, report)

    @staticmethod
    def _count_once(hits, counted):
        """Count ``counted`` once per HTTP request: Odoo replays a request after a
        serialization failure, and the hits are committed in a transaction of their own."""
        allowed = getattr(request, "_boh_intake_allowed", None)
        if allowed is None:
            allowed = request._boh_intake_allowed = hits._register_hits(counted)
        return allowed

    def _set_language(self):
        """Answer in the browser's language when it is installed, else in English."""
        installed = [code for code, _name in request.env["res.lang"].get_installed()]
        chosen = None
        for accepted, _quality in request.httprequest.accept_languages:
            code = accepted.replace("-", "_")
            base = code.split("_")[0].lower()
            exact = [lang for lang in installed if lang.lower() == code.lower()]
            close = [lang for lang in installed if lang.split("_")[0].lower() == base]
            if exact or close:
                chosen = (exact or close)[0]
                break
        if not chosen:
            chosen = "en_US" if "en_US" in installed else installed[0]
        request.update_context(lang=chosen)

    def _symptoms(self):
        return [
            ("no_power", request.env._("Does not turn on")),
            ("no_heat", request.env._("Not heating")),
            ("no_cold", request.env._("Not cooling")),
            ("leak", request.env._("Leaking")),
            ("noise", request.env._("Strange noise or smell")),
            ("error", request.env._("Error code on the display")),
        ]

    def _form_values(self, equipment, post):
        def text(name, size):
            value = post.get(name)
            return value.strip()[:size] if isinstance(value, str) else ""

        store = equipment.boh_store_id
        store.fetch(["name"])  # the store's name, not the whole warehouse record
        return {
            "equipment_name": equipment.name,
            "store_name": store.name or "",
            "symptoms": self._symptoms(),
            "symptom": text("symptom", 20),
            "description": text("description", MAX_DESCRIPTION + 1),
            "urgency": "urgent" if post.get("urgency") == "urgent" else "normal",
            "reporter_name": text("reporter_name", MAX_NAME),
            "reporter_phone": text("reporter_phone", MAX_PHONE),
            "csrf_token": request.csrf_token(),
            "errors": [],
            "html_lang": request.env.context.get("lang", "en_US").replace("_", "-"),
        }

    def _read_photo(self, values):
        """Return the sanitised JPEG of the uploaded photo, None, or add an error."""
        uploads = request.httprequest.files.getlist("photo")
        uploads = [upload for upload in uploads if upload and upload.filename]
        if not uploads:
            return None
        if len(uploads) > 1:
            values["errors"].append(request.env._("Please add only one photo."))
            return None
        data = uploads[0].stream.read(MAX_PHOTO_BYTES + 1)
        if not data:
            return None
        if len(data) > MAX_PHOTO_BYTES:
            values["errors"].append(
                request.env._("The photo is larger than 10 MB; please send a smaller one.")
            )
            return None
        try:
            jpeg, _mimetype = sanitize_photo(
                data, max_bytes=MAX_PHOTO_BYTES, max_side=MAX_PHOTO_SIDE
            )
        except BohError as error:
            _logger.info("Repair intake photo refused: %s", error)
            values["errors"].append(
                request.env._("The photo could not be used. Please send a JPEG, PNG or WebP photo.")
            )
            return None
        return jpeg

    def _complete_report(self, values):
        """The report's content when the form is complete (a description or a symptom, a
        usable photo or none), else None with the errors added to ``values``."""
        symptoms = dict(values["symptoms"])
        description = values["description"]
        symptom_label = symptoms.get(values["symptom"])
        if not description and symptom_label:
            description = symptom_label
        if not description:
            values["errors"].append(request.env._("Please describe the problem."))
        elif len(description) > MAX_DESCRIPTION:
            values["errors"].append(
                request.env._(
                    "The description is too long (at most %(max)s characters).", max=MAX_DESCRIPTION
                )
            )
        photo = self._read_photo(values)
        if values["errors"]:
            return None
        title = description.splitlines()[0][:80]
        if symptom_label and symptom_label != description:
            title = f"{symptom_label}: {title}"[:80]
        return {
            "title": title,
            "description": description,
            "urgency": values["urgency"],
            "reporter_name": values["reporter_name"],
            "reporter_phone": values["reporter_phone"],
            "photo": photo,
        }

    def _submit(self, equipment, values, report):
        # Stored first and answered at once; the filing job makes it a repair request on
        # the equipment's team, dispatched and with its followers notified, moments later.
        reports = request.env["boh.maintenance.intake.report"].sudo()
        reference = reports._queue(equipment, report)
        return self._render(
            "boh_maintenance.intake_done",
            {
                "reference": reference,
                "equipment_name": values["equipment_name"],
                "store_name": values["store_name"],
                "html_lang": values["html_lang"],
            },
            200,
        )

    def _render(self, template, values, status):
        values.setdefault("html_lang", request.env.context.get("lang", "en_US").replace("_", "-"))
        return request.render(template, values, status=status, headers=SECURITY_HEADERS)
