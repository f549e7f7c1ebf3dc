import re

from odoo.tests import TransactionCase, tagged

from boh_core.counting import parse_count
from boh_core.errors import BohError, msg
from boh_core.maintenance.images import sanitize_photo
from boh_core.messages import MESSAGES
from boh_core.sales.payload import validate_push

from ..tools.core_messages import CATALOGUE, translate_core_error, translated_dict


def _words(template):
    """What a translator translates: the template without its placeholders."""
    return re.sub(r"%\(\w+\)[sr]", "", template).strip()


@tagged("post_install", "-at_install")
class TestCoreMessages(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.error = BohError("recipe", 7, msg("recipes.recipe.unknown_pass_id", recipe_id=7))

    def test_the_catalogue_has_exactly_the_core_codes_and_templates(self):
        # scripts/core_messages.py writes the catalogue; this fails when it was not run
        self.assertEqual({code: str(lazy._source) for code, lazy in CATALOGUE.items()}, MESSAGES)

    def test_every_template_has_a_chinese_translation_with_the_same_placeholders(self):
        missing = [
            code
            for code, lazy in CATALOGUE.items()
            if lazy._translate("zh_CN") == MESSAGES[code] and _words(MESSAGES[code])
        ]
        self.assertEqual(missing, [])

    def test_a_core_error_reads_in_the_language_of_the_context_or_else_of_the_user(self):
        english = translate_core_error(self.env(context={"lang": "en_US"}), self.error)
        self.assertEqual(english, str(self.error))
        chinese = translate_core_error(self.env(context={"lang": "zh_CN"}), self.error)
        self.assertRegex(chinese, "[\u4e00-\u9fff]")
        self.assertIn("7", chinese)
        user = self.env["res.users"].create({"name": "读者", "login": "boh_zh_reader"})
        user.lang = "zh_CN"
        self.assertEqual(translate_core_error(self.env(user=user, context={}), self.error), chinese)

    def test_the_answer_keeps_code_field_and_value_and_translates_the_message(self):
        answer = translated_dict(self.env(context={"lang": "zh_CN"}), self.error)
        self.assertEqual(
            {k: v for k, v in answer.items() if k != "message"},
            {"code": "recipes.recipe.unknown_pass_id", "field": "recipe", "value": 7},
        )
        self.assertNotEqual(answer["message"], self.error.message)

    def test_text_from_outside_the_core_passes_through_unchanged(self):
        plain = BohError("x", 1, "Plain text.")
        self.assertEqual(
            translate_core_error(self.env(context={"lang": "zh_CN"}), plain), "Plain text."
        )

    def test_the_words_inside_a_message_are_translated_too(self):
        # what a refused value looks like, a product's label, a field's name: no English left
        zh = self.env(context={"lang": "zh_CN"})
        refused = validate_push({"source": "pos", "orders": {"a": 1, "b": 2}}).error
        self.assertIn("a list of orders", str(refused))
        self.assertIn("包含 2 个键的对象", translate_core_error(zh, refused))
        with self.assertRaises(BohError) as counted:
            parse_count("", product_name="Basil")
        self.assertIn("（Basil）", translate_core_error(zh, counted.exception))
        with self.assertRaises(BohError) as photo:
            sanitize_photo(b"%PDF-1.4\n")
        chinese = translate_core_error(zh, photo.exception)
        self.assertIn("照片", chinese)
        self.assertIn("PDF 文档", chinese)
        self.assertNotIn("document", chinese)
