import type { components } from "../api/schema";

type OrderStatus = components["schemas"]["ShopOrderStatusEnum"];

// An order's status as its buyer and its brand read it: in the app (Me, the workspace's orders)
// and in the storefront alike.

export const orderStatusEn: Record<OrderStatus, string> = {
  created: "Awaiting payment",
  paid: "Paid",
  shipped: "Shipped",
  delivered: "Delivered",
  completed: "Completed",
  cancelled: "Cancelled",
  refund_requested: "Refund requested",
  refunded: "Refunded",
};

export const orderStatusZhCN: Record<OrderStatus, string> = {
  created: "待付款",
  paid: "已付款",
  shipped: "已发货",
  delivered: "已送达",
  completed: "已完成",
  cancelled: "已取消",
  refund_requested: "退款申请中",
  refunded: "已退款",
};
