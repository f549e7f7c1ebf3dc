/** @odoo-module **/
// A store's kiosk refuses an employee of another store with a reason (``boh_error``):
// show it instead of Odoo's generic "Wrong Pin" or "No employee corresponding to Badge ID".
import { onWillDestroy } from "@odoo/owl";
import { rpcBus } from "@web/core/network/rpc";
import { patch } from "@web/core/utils/patch";
import publicKiosk from "@hr_attendance/public_kiosk/public_kiosk_app";
import { KioskBarcodeScanner } from "@hr_attendance/components/kiosk_barcode/kiosk_barcode";

const STORE_KIOSK_PATH = "/boh_labour/kiosk/";

patch(publicKiosk.kioskAttendanceApp.prototype, {
    setup() {
        super.setup(...arguments);
        this.bohRefused = false;
        const onRequest = () => {
            this.bohRefused = false;
        };
        const onResponse = ({ detail }) => {
            const error = detail && detail.result && detail.result.boh_error;
            if (error) {
                this.bohRefused = true;
                this.notification.add(error, { type: "danger" });
            }
        };
        rpcBus.addEventListener("RPC:REQUEST", onRequest);
        rpcBus.addEventListener("RPC:RESPONSE", onResponse);
        onWillDestroy(() => {
            rpcBus.removeEventListener("RPC:REQUEST", onRequest);
            rpcBus.removeEventListener("RPC:RESPONSE", onResponse);
        });
    },
    displayNotification(text) {
        if (this.bohRefused) {
            this.bohRefused = false;
            return;
        }
        return super.displayNotification(text);
    },
});

// Installed as an app, a store's tablet must reopen the store's kiosk, not the company's.
patch(KioskBarcodeScanner.prototype, {
    get installURL() {
        if (!window.location.pathname.startsWith(STORE_KIOSK_PATH)) {
            return super.installURL;
        }
        const path = `${STORE_KIOSK_PATH.slice(1)}${this.props.token}`;
        return `/scoped_app?app_id=hr_attendance&path=${encodeURIComponent(path)}`;
    },
});
