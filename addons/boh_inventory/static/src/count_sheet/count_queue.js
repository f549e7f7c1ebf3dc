/** @odoo-module **/
import { reactive } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { serializeDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { ConnectionAbortedError, ConnectionLostError, RPCError } from "@web/core/network/rpc";
import { user } from "@web/core/user";
import { session } from "@web/session";

const { DateTime } = luxon;

export const LINE_MODEL = "boh.stock.count.line";

/** Whether ``error`` says the server could not be reached (not that it refused). */
export function isConnectionLost(error) {
    return error instanceof ConnectionLostError || error instanceof ConnectionAbortedError;
}

/**
 * The counts typed on the sheet while the phone was offline, kept in the browser's
 * localStorage (one entry per count line, for this database and user) until the server has
 * them: a walk-in freezer's poor Wi-Fi loses nothing typed.
 *
 * ``state`` is reactive (``pending`` lines, ``sending``, ``offline``, ``lineIds``) for the
 * sheet's notice and rows. ``send`` posts the entries in the order they were typed; a line
 * the server refuses is dropped from the queue and its message shown, naming the line.
 * The sheet's lines ``put`` what they cannot save; the sheet calls ``send``.
 */
export class CountQueue {
    constructor({ orm, notification }) {
        this.orm = orm;
        this.notification = notification;
        this.storageKey = `boh_inventory.count_queue.${session.db}.${user.userId}`;
        this.state = reactive({ pending: 0, sending: false, offline: false, lineIds: [] });
        /** Called with the ids of the lines settled by a ``send`` (set by the sheet). */
        this.onSettled = null;
        this._refresh();
    }

    /** ``[{lineId, value, typedAt, label, seq}]`` in the order typed. */
    entries() {
        let stored = {};
        try {
            stored = JSON.parse(browser.localStorage.getItem(this.storageKey) || "{}");
        } catch {
            stored = {};
        }
        return Object.values(stored).sort((a, b) => a.seq - b.seq);
    }

    get isOffline() {
        return this.state.offline || browser.navigator.onLine === false;
    }

    markOffline() {
        this.state.offline = true;
    }

    has(lineId) {
        return this.state.lineIds.includes(lineId);
    }

    /** Keep what was typed on a line (a later value of the same line replaces it). */
    put(lineId, value, label) {
        const entries = this.entries().filter((entry) => entry.lineId !== lineId);
        const last = entries.reduce((max, entry) => Math.max(max, entry.seq), 0);
        const seq = Math.max(last + 1, Date.now()); // never reused, even once the queue empties
        const typedAt = serializeDateTime(DateTime.now());
        entries.push({ lineId, value, typedAt, label, seq });
        this._store(entries);
    }

    /** Forget the queued value of a line (its newer value reached the server). */
    remove(lineId) {
        const entries = this.entries();
        if (entries.some((entry) => entry.lineId === lineId)) {
            this._store(entries.filter((entry) => entry.lineId !== lineId));
        }
    }

    /**
     * Send the queued lines in the order typed, lines queued meanwhile included. Stops at the
     * first line the connection fails on (the rest wait for the next try). A line refused by
     * the server is dropped from the queue, with its message shown. ``onSettled`` is then
     * called with the ids of the lines sent or refused.
     */
    async send() {
        if (this.state.sending || !this.entries().length) {
            return;
        }
        this.state.sending = true;
        const settled = [];
        try {
            let entry;
            while ((entry = this.entries()[0])) {
                const outcome = await this._sendEntry(entry);
                if (outcome === "lost") {
                    this.markOffline();
                    break;
                }
                // typed again while it was on its way: the newer value stays queued
                this._store(this.entries().filter((queued) => queued.seq !== entry.seq));
                settled.push(entry.lineId);
            }
        } finally {
            this.state.sending = false;
        }
        if (settled.length && this.onSettled) {
            await this.onSettled(settled);
        }
    }

    async _sendEntry(entry) {
        try {
            await this.orm.write(
                LINE_MODEL,
                [entry.lineId],
                { counted_entry: entry.value },
                { context: { boh_counted_at: entry.typedAt } }
            );
            this.state.offline = false;
            return "sent";
        } catch (error) {
            if (isConnectionLost(error)) {
                return "lost";
            }
            if (!(error instanceof RPCError)) {
                throw error;
            }
            this.state.offline = false; // the server answered
            this.notification.add(
                _t("The count of %(line)s (“%(value)s”) was not saved: %(message)s", {
                    line: entry.label,
                    value: entry.value || "",
                    message: error.data?.message || error.message,
                }),
                { type: "danger", sticky: true, title: _t("Count refused") }
            );
            return "refused";
        }
    }

    _store(entries) {
        const stored = Object.fromEntries(entries.map((entry) => [entry.lineId, entry]));
        if (entries.length) {
            browser.localStorage.setItem(this.storageKey, JSON.stringify(stored));
        } else {
            browser.localStorage.removeItem(this.storageKey);
        }
        this._refresh();
    }

    _refresh() {
        const entries = this.entries();
        this.state.pending = entries.length;
        this.state.lineIds = entries.map((entry) => entry.lineId);
    }
}
