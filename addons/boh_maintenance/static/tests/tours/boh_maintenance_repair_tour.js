/** @odoo-module **/

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("boh_maintenance_repair_tour", {
    steps: () => [
        {
            content: "Open the parts and time tab",
            trigger: ".o_form_view .o_notebook a.nav-link:contains(Parts and Time)",
            run: "click",
        },
        {
            content: "Add a spare part",
            trigger: "div[name=boh_part_line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Choose the part",
            trigger: "div[name=boh_part_line_ids] .o_data_row div[name=product_id] input",
            run: "edit BOH Tour Thermostat",
        },
        {
            content: "Pick it in the list",
            trigger: ".o-autocomplete--dropdown-menu a:contains(BOH Tour Thermostat)",
            run: "click",
        },
        {
            content: "Two of them",
            trigger: "div[name=boh_part_line_ids] .o_data_row div[name=quantity] input",
            run: "edit 2",
        },
        {
            content: "Record the time spent",
            trigger: "div[name=duration] input",
            run: "edit 01:30",
        },
        {
            content: "Mark the request repaired",
            trigger: ".o_statusbar_status button:contains(Repaired)",
            run: "click",
        },
        {
            content: "The request is repaired",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Repaired)",
        },
        {
            content: "The part line is locked once drawn from stock",
            trigger: "div[name=boh_part_line_ids] .o_field_x2many_list:not(:has(.o_field_x2many_list_row_add))",
        },
    ],
});
