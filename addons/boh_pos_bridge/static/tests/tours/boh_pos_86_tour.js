/** @odoo-module **/
import { registry } from "@web/core/registry";

// In Odoo's POS, a dish the store cannot make is marked 86; one it can make is not.
registry.category("web_tour.tours").add("boh_pos_86_tour", {
    steps: () => [
        { trigger: ".screen-login .btn.open-register-btn", run: "click" },
        { trigger: ".product:has(.product-name:contains('Tour86 Burger')) .o_boh_86" },
        { trigger: ".product:has(.product-name:contains('Tour86 Fries')):not(:has(.o_boh_86))" },
    ],
});
