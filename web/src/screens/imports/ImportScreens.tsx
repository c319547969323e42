import { importOrders, importProducts } from '../../api/endpoints.ts';
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
