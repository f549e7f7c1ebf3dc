/** @odoo-module **/
import { markRaw, onMounted, onWillUnmount, useExternalListener, useState } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { RelationalModel } from "@web/model/relational_model/relational_model";
import { Record } from "@web/model/relational_model/record";
import { ListController } from "@web/views/list/list_controller";
import { ListRenderer } from "@web/views/list/list_renderer";
import { listView } from "@web/views/list/list_view";
import { CountQueue, isConnectionLost } from "./count_queue";

/** How often the sheet tries again to send the queued lines while some wait (ms). */
export const RETRY_DELAY = 15000;

/**
 * A line of the count sheet. Saving it while the connection is lost keeps what was typed in
 * the queue (the browser's localStorage) and lets the counter go on to the next line, as if
 * saved; the sheet sends it when the connection is back.
 */
export class CountSheetRecord extends Record {
    async _getOnchangeValues(changes) {
        const queue = this.model.countQueue;
        if (queue.isOffline) {
            return {}; // the quantity is computed by the server when the line is sent
        }
        try {
            return await super._getOnchangeValues(changes);
        } catch (error) {
            if (!isConnectionLost(error)) {
                throw error;
            }
            queue.markOffline();
            return {};
        }
    }

    async _save(options = {}) {
        const queue = this.model.countQueue;
        if (!this._canQueue()) {
            return super._save(options);
        }
        if (queue.isOffline) {
            this._queueChanges();
            queue.send(); // may be back already: try in the background, the counter goes on
            return true;
        }
        let queued = false;
        const saved = await super._save({
            ...options,
            onError: async (error, params) => {
                if (isConnectionLost(error)) {
                    queue.markOffline();
                    this._queueChanges();
                    queued = true;
                    return true;
                }
                if (options.onError) {
                    return options.onError(error, params);
                }
                if (!this.isInEdition) {
                    await this._load({});
                }
                throw error;
            },
        });
        if (saved && !queued) {
            queue.remove(this.resId); // saved now: an older queued value must not win
        }
        return saved;
    }

    /** Only a count typed on a saved line is queued; anything else saves as usual. */
    _canQueue() {
        if (!this.resId) {
            return false;
        }
        const changes = this._getChanges();
        delete changes.id;
        const names = Object.keys(changes);
        return names.length === 1 && names[0] === "counted_entry";
    }

    /** Keep the count typed and show the line as saved (the value stays on screen). */
    _queueChanges() {
        const value = this._getChanges().counted_entry;
        const product = this.data.product_id;
        this.model.countQueue.put(this.resId, value, product ? product[1] : `#${this.resId}`);
        const counted = value ? { is_counted: true } : {}; // shown counted, as it will be
        this._values = markRaw({ ...this._values, ...this._changes, ...counted });
        this._changes = markRaw({});
        this.data = { ...this._values };
        this.dirty = false;
        this._setEvalContext();
    }
}

export class CountSheetModel extends RelationalModel {
    static Record = CountSheetRecord;

    setup(params, services) {
        super.setup(...arguments);
        this.countQueue = markRaw(
            new CountQueue({ orm: this.orm, notification: services.notification })
        );
    }
}

/** Rows whose count waits to be sent are marked (a cloud after the count). */
export class CountSheetRenderer extends ListRenderer {
    setup() {
        super.setup();
        this.queueState = useState(this.props.list.model.countQueue.state);
    }

    getRowClass(record) {
        const classNames = super.getRowClass(record);
        if (this.queueState.lineIds.includes(record.resId)) {
            return `${classNames} o_boh_count_queued`;
        }
        return classNames;
    }
}

/**
 * The count sheet's list: a notice says how many lines wait to be sent; they are sent when
 * the browser is back online, every RETRY_DELAY while some wait, when the sheet opens, and
 * on "Send now". Lines sent (or refused) are read again from the server.
 */
export class CountSheetController extends ListController {
    static template = "boh_inventory.CountSheetListView";

    setup() {
        super.setup();
        this.countQueue = this.model.countQueue;
        this.queueState = useState(this.countQueue.state);
        this.countQueue.onSettled = (lineIds) => this.readLines(lineIds);
        useExternalListener(browser, "online", () => this.sendQueue());
        useExternalListener(browser, "offline", () => this.countQueue.markOffline());
        onMounted(() => {
            this.sendQueue();
            this.retryInterval = browser.setInterval(() => {
                if (this.queueState.pending) {
                    this.sendQueue();
                }
            }, RETRY_DELAY);
        });
        onWillUnmount(() => browser.clearInterval(this.retryInterval));
    }

    get queueNotice() {
        const pending = this.queueState.pending;
        if (pending === 1) {
            return _t(
                "1 line is waiting to be sent: it is kept on this device and sent when the connection is back."
            );
        }
        return _t(
            "%s lines are waiting to be sent: they are kept on this device and sent when the connection is back.",
            pending
        );
    }

    sendQueue() {
        return this.countQueue.send();
    }

    /** Read again the lines sent or refused (not the one being typed). */
    async readLines(lineIds) {
        const toRead = (this.model.root.records || []).filter(
            (record) => lineIds.includes(record.resId) && !record.isInEdition
        );
        await Promise.all(toRead.map((record) => record.load()));
    }
}

export const countSheetListView = {
    ...listView,
    Model: CountSheetModel,
    Renderer: CountSheetRenderer,
    Controller: CountSheetController,
};

registry.category("views").add("boh_count_sheet_list", countSheetListView);
