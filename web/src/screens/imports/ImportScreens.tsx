import { importOrders, importProducts, importReceipts } from '../../api/endpoints.ts';
import { CsvImport } from '../../components/CsvImport.tsx';
import { NotAllowed } from '../../components/NotAllowed.tsx';
import { paths } from '../../router.ts';
import { useCan } from '../../session.tsx';
import { useTitle } from '../../use-title.ts';

export function ProductImportScreen() {
  useTitle('Import products');
  if (!useCan('admin')) return <NotAllowed title="Import products" needed="admin" />;
  return (
    <CsvImport
      noun="product"
      title="Import products from CSV"
      columns="sku,name,gtin,needsSerialNumber,serialFormat"
      about={
        <>
          Only <code>sku</code> and <code>name</code> are required; a SKU that exists already is updated.
        </>
      }
      run={(file, options) => importProducts(file, options)}
      back={{ to: paths.products, label: 'Products' }}
    />
  );
}

export function OrderImportScreen() {
  useTitle('Import orders');
  if (!useCan('admin')) return <NotAllowed title="Import orders" needed="admin" />;
  return (
    <CsvImport
      noun="order"
      title="Import orders from CSV"
      columns="orderNumber,type,customerName,customerEmail,customerCompany,customerExternalId,sku,quantity"
      about={
        <>
          One row per order line: rows with the same <code>orderNumber</code> make one order, whose customer is read from its
          first row. <code>type</code> is B2C (the default) or B2B; the products must exist. An order with a bad row is left out
          as a whole.
        </>
      }
      run={(file, options) => importOrders(file, options)}
      back={{ to: paths.orders, label: 'Orders' }}
    />
  );
}

export function ReceiptImportScreen() {
  useTitle('Import received units');
  if (!useCan('packer')) return <NotAllowed title="Import received units" needed="packer" />;
  return (
    <CsvImport
      noun="receipt"
      title="Receive units from CSV"
      columns="reference,sku,serial,noticeReference"
      about={
        <>
          One row per unit: rows with the same <code>reference</code> (a delivery note) make one receipt, checked against the
          advance notice its first row names in <code>noticeReference</code> (optional). Each unit is judged as at the receiving
          station: a recalled unit, or one packed or shipped, is a bad row; one already in stock is counted, not refused.
        </>
      }
      run={(file, options) => importReceipts(file, options)}
      back={{ to: paths.receiving(), label: 'Receiving' }}
    />
  );
}
