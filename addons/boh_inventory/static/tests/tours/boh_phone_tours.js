/** @odoo-module **/
import { registry } from "@web/core/registry";

// A counter on a phone counts three lines of the sheet typing digits and Enter only: one
// tap opens the first line, then each Enter saves the line and opens the next one.
registry.category("web_tour.tours").add("boh_count_phone_tour", {
    url: "/odoo/action-boh_inventory.action_boh_stock_count_sheet",
    steps: () => [
        {
            trigger: ".o_data_row:nth-child(1) .o_data_cell[name=counted_entry]",
            run: "click",
        },
        {
            trigger: ".o_data_row:nth-child(1).o_selected_row .o_data_cell[name=counted_entry] input:focus",
            run: "press 7",
        },
        { trigger: ".o_selected_row input:focus", run: "press Enter" },
        {
            trigger: ".o_data_row:nth-child(2).o_selected_row .o_data_cell[name=counted_entry] input:focus",
            run: "press 1",
        },
        { trigger: ".o_selected_row input:focus", run: "press 2" },
        { trigger: ".o_selected_row input:focus", run: "press Enter" },
        {
            trigger: ".o_data_row:nth-child(3).o_selected_row .o_data_cell[name=counted_entry] input:focus",
            run: "press 3",
        },
        { trigger: ".o_selected_row input:focus", run: "press Enter" },
        // every line saved as it was entered, shown converted
        { trigger: ".o_data_row:nth-child(1) .o_data_cell[name=counted_qty]:contains('7.00')" },
        { trigger: ".o_data_row:nth-child(2) .o_data_cell[name=counted_qty]:contains('12.00')" },
        { trigger: ".o_data_row:nth-child(3) .o_data_cell[name=counted_qty]:contains('3.00')" },
    ],
});

// A cook logs spoiled cheese from the phone form: on a touch screen each choice opens a
// search dialog, as it does on a real phone.
registry.category("web_tour.tours").add("boh_waste_phone_tour", {
    url: "/odoo/action-boh_inventory.action_boh_waste_entry_quick",
    steps: () => [
        { trigger: ".o_field_widget[name=product_id] input", run: "click" },
        { trigger: ".modal button:has(> .fa-search)", run: "click" },
        { trigger: ".modal .o_searchview_input", run: "edit Phone Tour Cheese" },
        { trigger: ".modal .o_searchview_input", run: "press Enter" },
        {
            trigger: ".modal .o_kanban_record:contains('Phone Tour Cheese')",
            run: "click",
        },
        { trigger: ".o_field_widget[name=product_id] input:value('Phone Tour Cheese')" },
        { trigger: ".o_field_widget[name=qty] input", run: "edit 0.25" },
        { trigger: ".o_field_widget[name=reason_id] input", run: "click" },
        {
            trigger: ".modal .o_kanban_record:contains('Spoiled')",
            run: "click",
        },
        { trigger: ".o_field_widget[name=reason_id] input:value('Spoiled')" },
        { trigger: ".o_form_button_save", run: "click" },
        { trigger: ".o_form_saved" },
    ],
});
