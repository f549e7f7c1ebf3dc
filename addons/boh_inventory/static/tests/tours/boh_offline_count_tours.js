/** @odoo-module **/
import { ConnectionLostError, rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { session } from "@web/session";

// The connection drops as it does in a walk-in freezer: every call to the server fails with
// Odoo's ConnectionLostError (rpc._rpc is the hook Odoo keeps for tests), until it is back and
// the browser says so with its "online" event.
let realRpc = null;

function dropConnection() {
    realRpc = rpc._rpc;
    rpc._rpc = (url) => {
        const failed = Promise.reject(new ConnectionLostError(url));
        failed.abort = () => {};
        return failed;
    };
}

function restoreConnection() {
    rpc._rpc = realRpc;
    window.dispatchEvent(new Event("online"));
}

function queueKey() {
    return `boh_inventory.count_queue.${session.db}.${user.userId}`;
}

function countLine(row, keys) {
    return [
        {
            trigger: `.o_data_row:nth-child(${row}).o_selected_row .o_data_cell[name=counted_entry] input:focus`,
            run: `press ${keys[0]}`,
        },
        ...keys.slice(1).map((key) => ({
            trigger: ".o_selected_row input:focus",
            run: `press ${key}`,
        })),
        { trigger: ".o_selected_row input:focus", run: "press Enter" },
    ];
}

// A counter counts line 1, loses the connection, counts lines 2 to 4 (line 3 wrongly, -2)
// without waiting, sees that 3 lines wait to be sent; the connection comes back: lines 2 and
// 4 are sent, line 3 is refused by the server with its message, and the counter goes on.
registry.category("web_tour.tours").add("boh_count_offline_tour", {
    url: "/odoo/action-boh_inventory.action_boh_stock_count_sheet",
    steps: () => [
        {
            trigger: ".o_data_row:nth-child(1) .o_data_cell[name=counted_entry]",
            run: "click",
        },
        ...countLine(1, ["4"]),
        {
            trigger: ".o_data_row:nth-child(1) .o_data_cell[name=counted_qty]:contains('4.00')",
            run: dropConnection,
        },
        ...countLine(2, ["6"]),
        ...countLine(3, ["-", "2"]),
        ...countLine(4, ["9"]),
        { trigger: ".o_data_row:nth-child(5).o_selected_row input:focus" },
        {
            trigger: ".o_boh_count_queue_notice:contains('3 lines are waiting to be sent')",
        },
        { trigger: ".o_data_row:nth-child(2).o_boh_count_queued" },
        { trigger: ".o_data_row:nth-child(4).o_boh_count_queued" },
        {
            trigger: ".o_data_row:nth-child(4) .o_data_cell[name=counted_entry]:contains('9')",
            run() {
                const queued = JSON.parse(localStorage.getItem(queueKey()));
                const values = Object.values(queued).map((entry) => entry.value);
                if (values.join(" ") !== "6 -2 9") {
                    throw new Error(`queued ${JSON.stringify(queued)}`);
                }
                restoreConnection();
            },
        },
        {
            trigger: ".o_notification:contains('Offline Item 3'):contains('is not understood')",
        },
        { trigger: "body:not(:has(.o_boh_count_queue_notice))" },
        { trigger: ".o_data_row:nth-child(2) .o_data_cell[name=counted_qty]:contains('6.00')" },
        { trigger: ".o_data_row:nth-child(4) .o_data_cell[name=counted_qty]:contains('9.00')" },
        {
            trigger: ".o_data_row:nth-child(5).o_selected_row input:focus",
            run() {
                if (localStorage.getItem(queueKey())) {
                    throw new Error("the queue is not empty once sent");
                }
            },
        },
        ...countLine(5, ["5"]),
        { trigger: ".o_data_row:nth-child(5) .o_data_cell[name=counted_qty]:contains('5.00')" },
    ],
});

async function lineId(productName, state) {
    const ids = await rpc("/web/dataset/call_kw/boh.stock.count.line/search", {
        model: "boh.stock.count.line",
        method: "search",
        args: [
            [
                ["product_id.name", "=", productName],
                ["count_id.state", "=", state],
            ],
        ],
        kwargs: {},
    });
    return ids[0];
}

// Counts left on the phone when the sheet was closed offline are sent when it opens again:
// one reaches its line; the other's count was approved meanwhile and the server refuses it.
registry.category("web_tour.tours").add("boh_count_offline_reopen_tour", {
    url: "/odoo",
    steps: () => [
        {
            trigger: ".o_home_menu, .o_action_manager",
            async run() {
                const draftId = await lineId("Reopen Draft Item", "draft");
                const approvedId = await lineId("Reopen Approved Item", "approved");
                const typedAt = "2031-03-13 08:00:00";
                const entries = {
                    [draftId]: { lineId: draftId, value: "8", typedAt, seq: 1 },
                    [approvedId]: { lineId: approvedId, value: "3", typedAt, seq: 2 },
                };
                entries[draftId].label = "Reopen Draft Item";
                entries[approvedId].label = "Reopen Approved Item";
                localStorage.setItem(queueKey(), JSON.stringify(entries));
                await odoo.__WOWL_DEBUG__.root.env.services.action.doAction(
                    "boh_inventory.action_boh_stock_count_sheet"
                );
            },
        },
        {
            trigger: ".o_notification:contains('Reopen Approved Item'):contains('is approved')",
        },
        { trigger: "body:not(:has(.o_boh_count_queue_notice))" },
        {
            trigger: ".o_data_row:contains('Reopen Draft Item') .o_data_cell[name=counted_qty]:contains('8.00')",
        },
    ],
});
