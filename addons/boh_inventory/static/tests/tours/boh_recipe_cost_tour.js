/** @odoo-module **/
import { registry } from "@web/core/registry";

// A manager writes a burger recipe that uses a prep recipe (the sauce) and an ingredient,
// saves it, and reads its cost and food cost %.
registry.category("web_tour.tours").add("boh_recipe_cost_tour", {
    url: "/odoo/action-boh_inventory.action_boh_recipe",
    steps: () => [
        { trigger: ".o_list_button_add", run: "click" },
        { trigger: ".o_group .o_field_widget[name=product_id] input", run: "edit Tour Burger" },
        { trigger: ".ui-menu-item > a:contains('Tour Burger')", run: "click" },
        { trigger: ".o_field_x2many_list_row_add > a", run: "click" },
        { trigger: ".o_data_row .o_data_cell[name=product_id] input", run: "edit Tour Sauce" },
        { trigger: ".ui-menu-item > a:contains('Tour Sauce')", run: "click" },
        { trigger: ".o_data_row .o_data_cell[name=qty] input", run: "edit 0.5" },
        { trigger: ".o_field_x2many_list_row_add > a", run: "click" },
        {
            trigger: ".o_data_row:not(:has(td:contains('Tour Sauce'))) .o_data_cell[name=product_id] input",
            run: "edit Tour Bun",
        },
        { trigger: ".ui-menu-item > a:contains('Tour Bun')", run: "click" },
        { trigger: ".o_form_button_save", run: "click" },
        { trigger: ".o_form_saved" },
        // sub-recipe shown on its line, cost rolled up: 0.5 kg sauce at 4.00 + 1 bun at 0.50
        { trigger: ".o_data_cell[name=sub_recipe_id]:contains('Tour Sauce')" },
        { trigger: ".o_field_widget[name=portion_cost]:contains('2.50')" },
        // 11.00 with 10% tax included is 10.00 net: 25% food cost, over the 20% target
        { trigger: ".o_field_widget[name=food_cost_pct]:contains('25.00')" },
        { trigger: ".alert-danger:contains('over its target food cost')" },
    ],
});
