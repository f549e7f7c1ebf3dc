/** @odoo-module **/
import { registry } from "@web/core/registry";

// A kitchen cook makes a batch of pesto at the central kitchen: enters what the batch gave,
// makes it, reads its use-by date and lot, and prints its date labels.
registry.category("web_tour.tours").add("boh_production_tour", {
    url: "/odoo/action-boh_inventory.action_boh_production",
    steps: () => [
        { trigger: ".o_list_button_add", run: "click" },
        { trigger: ".o_field_widget[name=recipe_id] input", run: "edit Tour Pesto" },
        { trigger: ".ui-menu-item > a:contains('Tour Pesto')", run: "click" },
        { trigger: ".o_field_widget[name=qty] input", run: "edit 2" },
        { trigger: ".o_field_widget[name=actual_qty] input", run: "edit 1.9" },
        { trigger: ".o_form_button_save", run: "click" },
        { trigger: ".o_form_saved" },
        { trigger: "button[name=action_confirm]", run: "click" },
        { trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Done')" },
        { trigger: ".o_field_widget[name=lot_id]:contains('PRD/')" },
        { trigger: ".o_field_widget[name=expiration_date]:not(:empty)" },
        { trigger: ".o_field_widget[name=yield_variance_pct]:contains('-5')" },
        { trigger: "button[name=action_print_labels]", run: "click" },
        { trigger: "button[name=action_print_label_sheet]" },
    ],
});
